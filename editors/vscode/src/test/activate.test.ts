// The bundle's activate() under a fake VS Code (bundle.ts): what a user sees
// when the server binary is missing.

import { strict as assert } from "node:assert";
import { describe, it } from "node:test";

import { loadBundle, resetFake } from "./bundle";

const ext = loadBundle();

function context() {
  return { subscriptions: [] as { dispose(): unknown }[] } as unknown as Parameters<typeof ext.activate>[0];
}

describe("activate with a missing server", () => {
  it("says which setting to fix, shows it in the status bar, and opens the setting on request", async () => {
    const rec = resetFake({ settings: { "microvm-lsp.path": "/nonexistent/microvm-lsp" }, click: "Open Settings" });
    const ctx = context();
    await ext.activate(ctx);

    assert.equal(rec.errors.length, 1, `one error message, got ${JSON.stringify(rec.errors)}`);
    assert.equal(rec.errors[0].message, ext.missingServerMessage("/nonexistent/microvm-lsp", "/nonexistent/microvm-lsp"));
    assert.deepEqual(rec.errors[0].items, ["Open Settings"]);
    assert.deepEqual(rec.executed, [{ command: "workbench.action.openSettings", args: ["microvm-lsp.path"] }]);
    assert.equal(rec.status.text, ext.statusText("missing").text);
    assert.ok(rec.status.shown);
    assert.equal(rec.status.command, "microvm-lsp.restart", "clicking the status bar restarts");
    assert.ok(rec.commands.has("microvm-lsp.restart"), "the restart command is registered");
    assert.ok(ctx.subscriptions.length >= 3, "the output channel, status item and command are disposed with the extension");
    await ext.deactivate();
  });

  it("resolves ${workspaceFolder} before looking, and retries on restart", async () => {
    const rec = resetFake({ settings: { "microvm-lsp.path": "${workspaceFolder}/bin/microvm-lsp" }, workspaceFolder: "/nonexistent-ws" });
    await ext.activate(context());
    assert.match(rec.errors[0].message, /"\/nonexistent-ws\/bin\/microvm-lsp" \(from the setting microvm-lsp\.path\)/);
    assert.deepEqual(rec.executed, [], "nothing opened when the user dismisses the message");
    await rec.commands.get("microvm-lsp.restart")!();
    assert.equal(rec.errors.length, 2, "restart looks for the binary again");
    await ext.deactivate();
  });
});
