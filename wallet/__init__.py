"""The Rotonde wallet: the learner's side — claim, hold, stack and selectively present."""

__all__: list[str] = []
