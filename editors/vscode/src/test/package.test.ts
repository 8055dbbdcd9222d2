// What the .vsix holds, as vsce lists it: the bundle and the files the
// marketplace shows, no sources, no node_modules.

import { strict as assert } from "node:assert";
import * as cp from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";

const root = path.resolve(__dirname, "..", "..");

describe("the packaged extension", () => {
  it("is one JavaScript file plus its manifest, README, LICENSE and icon", () => {
    const vsce = path.join(root, "node_modules", ".bin", "vsce");
    const out = cp.execFileSync(vsce, ["ls"], { cwd: root, encoding: "utf8" });
    const files = out.split("\n").filter((l) => l.trim() !== "").sort();
    assert.deepEqual(files, ["LICENSE", "README.md", "dist/extension.js", "icon.png", "package.json"]);
  });

  it("points main at the bundle and ships the repository's license", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require(path.join(root, "package.json"));
    assert.equal(path.normalize(pkg.main), path.normalize("./dist/extension.js"));
    assert.ok(fs.existsSync(path.join(root, pkg.icon)), `icon ${pkg.icon}`);
    assert.equal(pkg.license, "MIT");
    assert.equal(
      fs.readFileSync(path.join(root, "LICENSE"), "utf8"),
      fs.readFileSync(path.join(root, "..", "..", "LICENSE"), "utf8"),
      "editors/vscode/LICENSE is a copy of the repository's LICENSE",
    );
  });

  it("limits what an untrusted workspace can set to the user's own settings", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require(path.join(root, "package.json"));
    const u = pkg.capabilities.untrustedWorkspaces;
    assert.equal(u.supported, "limited");
    // Every setting that names a program or its arguments.
    assert.deepEqual([...u.restrictedConfigurations].sort(), ["microvm-lsp.args", "microvm-lsp.formatter", "microvm-lsp.path"]);
    for (const key of u.restrictedConfigurations) {
      assert.ok(pkg.contributes.configuration.properties[key], `${key} is a contributed setting`);
    }
  });
});
