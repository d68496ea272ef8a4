// Prints the versions of the independent libraries the interop lane drives (read from their
// package.json files in node_modules), so a test can check the installed set is the locked one.
import { readFileSync } from "node:fs";

const here = new URL("./", import.meta.url);
const wanted = JSON.parse(readFileSync(new URL("package.json", here))).dependencies;
const found = {};
for (const name of Object.keys(wanted)) {
  found[name] = JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, here))).version;
}
process.stdout.write(JSON.stringify(found));
