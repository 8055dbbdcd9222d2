import { strict as assert } from "node:assert";
import * as path from "node:path";
import { describe, it } from "node:test";

import { loadBundle } from "./bundle";

// The functions under test, from the bundle that ships (see bundle.ts).
const {
  SERVER_SETTING_KEYS,
  buildClientOptions,
  buildServerOptions,
  expandServerPath,
  findExecutable,
  missingServerMessage,
  serverSettings,
  statusText,
} = loadBundle();

describe("expandServerPath", () => {
  const env = { workspaceFolder: "/ws", home: "/home/u" };
  it("defaults to microvm-lsp", () => {
    assert.equal(expandServerPath(undefined, env), "microvm-lsp");
    assert.equal(expandServerPath("  ", env), "microvm-lsp");
  });
  it("keeps a bare name for the PATH lookup", () => {
    assert.equal(expandServerPath("microvm-lsp-dev", env), "microvm-lsp-dev");
  });
  it("expands ~ and ${workspaceFolder}", () => {
    assert.equal(expandServerPath("~/bin/microvm-lsp", env), "/home/u/bin/microvm-lsp");
    assert.equal(expandServerPath("${workspaceFolder}/bin/microvm-lsp", env), "/ws/bin/microvm-lsp");
  });
  it("resolves a relative path against the workspace folder", () => {
    assert.equal(expandServerPath("./bin/microvm-lsp", env), "/ws/bin/microvm-lsp");
    assert.equal(expandServerPath("bin/microvm-lsp", env), "/ws/bin/microvm-lsp");
    assert.equal(expandServerPath("bin/microvm-lsp", { home: "/h" }), "bin/microvm-lsp");
  });
  it("keeps an absolute path", () => {
    assert.equal(expandServerPath("/opt/microvm-lsp", env), "/opt/microvm-lsp");
  });
});

describe("findExecutable", () => {
  const exists = (files: string[]) => (f: string) => files.includes(f);
  it("looks a bare name up on PATH, in order", () => {
    const env = { pathVar: "/a:/b::/c", platform: "linux" as const };
    assert.equal(findExecutable("microvm-lsp", env, exists(["/b/microvm-lsp", "/c/microvm-lsp"])), "/b/microvm-lsp");
    assert.equal(findExecutable("microvm-lsp", env, exists([])), undefined);
  });
  it("checks a path as is", () => {
    const env = { pathVar: "/a", platform: "linux" as const };
    assert.equal(findExecutable("/x/microvm-lsp", env, exists(["/x/microvm-lsp"])), "/x/microvm-lsp");
    assert.equal(findExecutable("/x/microvm-lsp", env, exists(["/a/microvm-lsp"])), undefined);
  });
  it("tries PATHEXT on Windows", () => {
    const env = { pathVar: "C:\\bin", platform: "win32" as const, pathExt: ".EXE;.CMD" };
    assert.equal(findExecutable("microvm-lsp", env, exists(["C:\\bin\\microvm-lsp.EXE"])), "C:\\bin\\microvm-lsp.EXE");
  });
  it("really checks the file system by default", () => {
    assert.equal(findExecutable("node", { pathVar: path.dirname(process.execPath) }), path.join(path.dirname(process.execPath), "node"));
    assert.equal(findExecutable("/nonexistent/microvm-lsp", {}), undefined);
    assert.equal(findExecutable(__dirname, {}), undefined, "a directory is not an executable");
  });
});

describe("missingServerMessage", () => {
  it("names the setting", () => {
    const m = missingServerMessage("/opt/nope", "/opt/nope");
    assert.match(m, /"\/opt\/nope" \(from the setting microvm-lsp\.path\) does not exist/);
    assert.match(m, /microvm-lsp\.path/);
    assert.match(missingServerMessage(undefined, "microvm-lsp"), /"microvm-lsp" was not found on PATH.*"microvm-lsp\.path"/);
  });
});

describe("buildServerOptions", () => {
  it("runs serve with the extra args and no transport", () => {
    const o = buildServerOptions("/bin/microvm-lsp", { args: ["--log-level", "debug"] }, "/ws");
    assert.deepEqual(o, { command: "/bin/microvm-lsp", args: ["serve", "--log-level", "debug"], options: { cwd: "/ws" } });
    assert.ok(!("transport" in o), "no transport: the command line is the settings' own");
  });
  it("does not repeat serve", () => {
    assert.deepEqual(buildServerOptions("m", { args: ["serve", "--log-file", "/tmp/l"] }).args, ["serve", "--log-file", "/tmp/l"]);
    assert.deepEqual(buildServerOptions("m", {}).args, ["serve"]);
  });
});

describe("buildClientOptions", () => {
  it("selects nix files and untitled buffers", () => {
    const o = buildClientOptions({});
    assert.deepEqual(o.documentSelector, [
      { scheme: "file", language: "nix" },
      { scheme: "untitled", language: "nix" },
    ]);
    assert.deepEqual(o.synchronize, { configurationSection: "microvm-lsp" });
  });
  it("passes only the server's settings as initializationOptions", () => {
    const o = buildClientOptions({
      path: "/x",
      args: ["a"],
      disabledChecks: ["redundant-guest-import"],
      severity: { "role-conflict": "warning" },
      excludePaths: ["result"],
      logLevel: "debug",
      formatter: ["alejandra", "--quiet"],
    });
    assert.deepEqual(o.initializationOptions, {
      "microvm-lsp": {
        disabledChecks: ["redundant-guest-import"],
        severity: { "role-conflict": "warning" },
        excludePaths: ["result"],
        logLevel: "debug",
        formatter: ["alejandra", "--quiet"],
      },
    });
  });
  it("leaves unset settings out", () => {
    assert.deepEqual(serverSettings({ path: "x" }), {});
    assert.deepEqual([...SERVER_SETTING_KEYS].sort(), ["disabledChecks", "docsUrl", "excludePaths", "formatter", "logLevel", "severity"]);
  });
});

describe("statusText", () => {
  it("has a text for every state", () => {
    for (const s of ["starting", "running", "stopped", "missing", "failed"] as const) {
      assert.match(statusText(s).text, /microvm-lsp/);
    }
    assert.match(statusText("missing").tooltip, /microvm-lsp\.path/);
  });
});

describe("package.json", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pkg = require("../../package.json");
  const props = pkg.contributes.configuration.properties;
  it("contributes the settings config.ts reads", () => {
    assert.equal(props["microvm-lsp.path"].default, "microvm-lsp");
    for (const key of SERVER_SETTING_KEYS) {
      assert.ok(props[`microvm-lsp.${key}`], `microvm-lsp.${key}`);
    }
    assert.ok(props["microvm-lsp.args"]);
    assert.ok(props["microvm-lsp.trace.server"]);
  });
  it("activates on nix and declares the restart command", () => {
    assert.deepEqual(pkg.activationEvents, ["onLanguage:nix"]);
    assert.deepEqual(pkg.contributes.languages[0].extensions, [".nix"]);
    assert.equal(pkg.contributes.commands[0].command, "microvm-lsp.restart");
  });
});
