"""Settings from environment variables: one converter per field type, chosen from the real type.

A service's settings dataclass (:class:`servicekit.settings.ServiceSettings` and its
subclasses) is read from ``<PREFIX><FIELD>`` variables by :class:`EnvLoader`. Each field's
converter is looked up once, when the loader is made (at import of the service's settings
module), from the field's resolved type (:func:`typing.get_type_hints`), never from the text
of its annotation:

==========================  ======================================================================
field type                  accepted text
==========================  ======================================================================
``bool``                    ``1/true/yes/on`` or ``0/false/no/off`` (empty: false)
``int``                     a whole number (``_`` separators allowed, as in Python)
``float``                   a finite decimal number
``str``                     any text, as given
``Path``                    a non-empty path
``tuple[str, ...]``         comma separated; blanks around items and empty items are dropped
``Literal["a", "b"]``       exactly one of the choices
``X | None``                empty text is ``None`` (the default: "not set"); otherwise as ``X``
==========================  ======================================================================

A field of any other type makes :class:`EnvLoader` raise :class:`TypeError` at once, so an
unsupported setting fails at import (and in every test), not on the first deployment that sets
it. A bad value raises :class:`~rotonde.errors.ConfigurationError` naming the variable and what
it must be, in English and Dutch (``config.invalid_value``; booleans ``config.invalid_flag``).

:func:`env_text` is the inverse (how ``serve --workers`` hands settings to its workers).
"""

from __future__ import annotations

import dataclasses
import math
import os
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

from rotonde.errors import ConfigurationError

__all__ = ["EnvField", "EnvLoader", "env_flag", "env_text", "settings_from_env"]

T = TypeVar("T")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_flag(value: str | None, *, name: str = "flag") -> bool:
    """Parse a boolean environment value; anything unrecognised is a configuration error."""
    if value is None:
        return False
    low = value.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ConfigurationError(
        "config.invalid_flag",
        f"{name} must be true or false (1/true/yes/on or 0/false/no/off), not {value!r}",
        message_nl=f"{name} moet true of false zijn (1/true/yes/on of 0/false/no/off), "
                   f"niet {value!r}",
    )


def _invalid(name: str, raw: str, en: str, nl: str) -> ConfigurationError:
    return ConfigurationError(
        "config.invalid_value", f"{name} must be {en}, not {raw!r}",
        message_nl=f"{name} moet {nl} zijn, niet {raw!r}",
    )


def _to_int(name: str, raw: str) -> int:
    try:
        return int(raw.strip())
    except ValueError:
        raise _invalid(name, raw, "a whole number", "een geheel getal") from None


def _to_float(name: str, raw: str) -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise _invalid(name, raw, "a finite number", "een eindig getal")
    return value


def _to_path(name: str, raw: str) -> Path:
    if not raw.strip():
        raise _invalid(name, raw, "a path", "een pad")
    return Path(raw)


def _to_strings(name: str, raw: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in raw.split(",") if item.strip())


@dataclass(frozen=True)
class EnvField:
    """How one settings field is read: its variable, converter and a short description of the
    accepted text (the ``type`` column of docs/deployment.md)."""

    name: str
    variable: str
    convert: Callable[[str, str], Any]
    kind: str

    def parse(self, raw: str) -> Any:
        return self.convert(self.variable, raw)


#: The converter and description of every supported plain type.
CONVERTERS: dict[Any, tuple[Callable[[str, str], Any], str]] = {
    bool: (lambda name, raw: env_flag(raw, name=name), "true/false"),
    int: (_to_int, "whole number"),
    float: (_to_float, "number"),
    str: (lambda _name, raw: raw, "text"),
    Path: (_to_path, "path"),
    tuple[str, ...]: (_to_strings, "comma-separated list"),
}


def converter(tp: Any) -> tuple[Callable[[str, str], Any], str]:
    """The converter and description for the field type ``tp``; :class:`TypeError` when
    ``tp`` is not supported."""
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        args = get_args(tp)
        inner = [a for a in args if a is not type(None)]
        if len(inner) == 1 and len(args) == 2:
            convert, kind = converter(inner[0])

            def optional(name: str, raw: str) -> Any:
                return None if not raw.strip() else convert(name, raw)

            return optional, f"{kind}, or empty"
    elif origin is Literal:
        choices = get_args(tp)
        if choices and all(isinstance(c, str) for c in choices):
            shown = "|".join(choices)

            def choice(name: str, raw: str) -> str:
                value = raw.strip()
                if value not in choices:
                    raise _invalid(name, raw, f"one of {shown}", f"een van {shown}")
                return value

            return choice, f"one of {shown}"
    elif tp in CONVERTERS:
        return CONVERTERS[tp]
    raise TypeError(f"settings field type {tp!r} has no environment converter "
                    f"(supported: {', '.join(_describe(t) for t in CONVERTERS)}, "
                    "Literal[str, ...], X | None)")


def _describe(tp: Any) -> str:
    return getattr(tp, "__name__", None) or str(tp)


class EnvLoader(Generic[T]):
    """Reads settings of dataclass ``cls`` from ``<prefix><FIELD>`` variables.

    Made once per service at import; every field's converter is chosen then (unsupported
    types raise :class:`TypeError` immediately)."""

    def __init__(self, cls: type[T], prefix: str) -> None:
        if not dataclasses.is_dataclass(cls):
            raise TypeError(f"{cls!r} is not a dataclass")
        hints = get_type_hints(cls)
        self.cls = cls
        self.prefix = prefix
        self.fields: dict[str, EnvField] = {}
        for f in dataclasses.fields(cls):
            try:
                convert, kind = converter(hints[f.name])
            except TypeError as exc:
                raise TypeError(f"{cls.__name__}.{f.name}: {exc}") from None
            self.fields[f.name] = EnvField(f.name, prefix + f.name.upper(), convert, kind)

    def __call__(self, environ: Mapping[str, str] | None = None, **overrides: Any) -> T:
        """Settings from ``environ`` (default: ``os.environ``); explicit ``overrides`` (CLI
        flags; ``None`` values are ignored) win. Unknown override names are refused."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {
            name: field.parse(env[field.variable])
            for name, field in self.fields.items() if field.variable in env
        }
        given = {k: v for k, v in overrides.items() if v is not None}
        unknown = sorted(set(given) - set(self.fields))
        if unknown:
            raise ConfigurationError(
                "config.unknown_setting", f"unknown settings: {unknown}",
                message_nl=f"onbekende instellingen: {unknown}",
            )
        values.update(given)
        return self.cls(**values)


_LOADERS: dict[tuple[type[Any], str], EnvLoader[Any]] = {}


def settings_from_env(
    cls: type[T], prefix: str, environ: Mapping[str, str] | None = None, **overrides: Any,
) -> T:
    """``EnvLoader(cls, prefix)(environ, **overrides)``, with the loader kept per class."""
    loader = _LOADERS.get((cls, prefix))
    if loader is None:
        loader = _LOADERS[(cls, prefix)] = EnvLoader(cls, prefix)
    result: T = loader(environ, **overrides)
    return result


def env_text(value: Any) -> str | None:
    """The variable text that reads back as ``value`` (``None``: leave the variable unset)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    return str(value)
