// End to end under plain Node: the real microvm-lsp binary, started with the
// options the extension builds, driven over stdio with the same protocol
// library vscode-languageclient uses.

import { strict as assert } from "node:assert";
import * as cp from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";

import {
  CodeAction,
  CodeActionRequest,
  ConfigurationRequest,
  Diagnostic,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializeRequest,
  InitializedNotification,
  ProtocolConnection,
  PublishDiagnosticsNotification,
  PublishDiagnosticsParams,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  TextEdit,
  WorkspaceEdit,
  createProtocolConnection,
} from "vscode-languageserver-protocol/node";

import { loadBundle } from "./bundle";

// The extension's functions, from the bundle that ships (see bundle.ts).
const { buildClientOptions, buildServerOptions, expandServerPath, findExecutable } = loadBundle();

const conflictFlake = `{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  inputs.microvm.url = "github:microvm-nix/microvm.nix";

  outputs = { self, nixpkgs, microvm }: {
    nixosConfigurations.server = nixpkgs.lib.nixosSystem {
      system = "x86_64-linux";
      modules = [
        microvm.nixosModules.host
        microvm.nixosModules.microvm
        {
          boot.loader.grub.device = "/dev/sda";
          networking.hostName = "server";
        }
      ];
    };
  };
}
`;

// The binary under test: $MICROVM_LSP_BIN, else the repository's bin/.
function serverBinary(): string {
  const configured = process.env.MICROVM_LSP_BIN || path.resolve(__dirname, "..", "..", "..", "..", "bin", "microvm-lsp");
  const found = findExecutable(expandServerPath(configured, {}), {});
  assert.ok(found, `no microvm-lsp binary at ${configured}: run make build, or set MICROVM_LSP_BIN`);
  return found;
}

function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split("\n");
  const offset = (p: { line: number; character: number }) =>
    lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character; // ASCII: UTF-16 = bytes
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  for (const e of sorted) {
    text = text.slice(0, offset(e.range.start)) + e.newText + text.slice(offset(e.range.end));
  }
  return text;
}

describe("microvm-lsp over stdio with the extension's options", () => {
  let ws: string;
  let proc: cp.ChildProcess;
  let conn: ProtocolConnection;
  let stderr = "";
  const published: PublishDiagnosticsParams[] = [];
  const waiters: (() => void)[] = [];
  const configRequests: unknown[] = [];
  const settings = { disabledChecks: ["redundant-guest-import"], severity: { "role-conflict": "warning" } };

  function waitFor<T>(what: string, get: () => T | undefined, ms = 10000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; stderr:\n${stderr}`)), ms);
      const check = () => {
        const v = get();
        if (v !== undefined) {
          clearTimeout(timer);
          resolve(v);
          return true;
        }
        return false;
      };
      if (!check()) {
        const w = () => {
          if (!check()) waiters.push(w);
        };
        waiters.push(w);
      }
    });
  }

  before(async () => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), "microvm-lsp-vscode-"));
    fs.writeFileSync(path.join(ws, "flake.nix"), conflictFlake);
    const exe = buildServerOptions(serverBinary(), { args: ["--log-level", "debug"] }, ws);
    proc = cp.spawn(exe.command, exe.args, { cwd: exe.options?.cwd, stdio: ["pipe", "pipe", "pipe"] });
    proc.stderr!.on("data", (d) => (stderr += d.toString()));
    conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      published.push(p);
      waiters.splice(0).forEach((w) => w());
    });
    conn.onRequest(ConfigurationRequest.type, (p) => {
      configRequests.push(p);
      // As VS Code answers: the whole microvm-lsp section, extension keys included.
      return p.items.map((i) => (i.section === "microvm-lsp" ? { path: exe.command, args: [], ...settings } : null));
    });
    conn.listen();
  });

  after(async () => {
    try {
      await conn.sendRequest(ShutdownRequest.type);
      await conn.sendNotification(ExitNotification.type);
    } finally {
      conn.dispose();
      if (proc.exitCode === null) {
        await new Promise((r) => {
          const t = setTimeout(() => {
            proc.kill();
            r(undefined);
          }, 3000);
          proc.on("exit", () => {
            clearTimeout(t);
            r(undefined);
          });
        });
      }
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });

  it("reports the role conflict and prefers the quick fix that turns the guest role off in the system's own module", async () => {
    const clientOptions = buildClientOptions(settings);
    const rootUri = pathToFileURL(ws).href;
    const init = await conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: "ws" }],
      initializationOptions: clientOptions.initializationOptions,
      capabilities: {
        workspace: { configuration: true, workspaceFolders: true, workspaceEdit: { documentChanges: true } },
        textDocument: {
          publishDiagnostics: { versionSupport: true, relatedInformation: true },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ["quickfix", "source"] } }, isPreferredSupport: true },
        },
      },
    });
    assert.ok(init.capabilities.codeActionProvider, "the server offers code actions");
    await conn.sendNotification(InitializedNotification.type, {});

    const uri = pathToFileURL(path.join(ws, "flake.nix")).href;
    await conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: clientOptions.documentSelector[0].language, version: 1, text: conflictFlake },
    });
    const diag = await waitFor<Diagnostic>("the role-conflict diagnostic", () => {
      for (let i = published.length - 1; i >= 0; i--) {
        if (published[i].uri === uri) {
          return published[i].diagnostics.find((d) => d.code === "role-conflict");
        }
      }
      return undefined;
    });
    assert.equal(diag.range.start.line, 9);
    assert.equal(diag.source, "microvm-lsp");
    assert.equal(diag.severity, 2, "the severity setting (role-conflict: warning) applies");
    assert.match(diag.message, /microvm\.nixosModules\.host/);
    assert.ok(configRequests.length > 0, "the server pulled the microvm-lsp section");

    const actions = (await conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: diag.range,
      context: { diagnostics: [diag], only: ["quickfix"] },
    })) as CodeAction[];
    const preferred = actions.find((a) => a.isPreferred);
    assert.ok(preferred, `a preferred quick fix among ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(preferred.kind, "quickfix");
    // The preferred fix keeps the most of the configuration: both imports
    // stay, and the system's own inline module turns the guest role off.
    assert.match(preferred.title, /^Set microvm\.guest\.enable = false/);
    const edit = preferred.edit as WorkspaceEdit;
    assert.ok(edit, "the quick fix carries an edit");
    let edits: TextEdit[];
    if (edit.documentChanges) {
      assert.equal(edit.documentChanges.length, 1);
      const change = edit.documentChanges[0] as { textDocument: { uri: string; version: number }; edits: TextEdit[] };
      assert.equal(change.textDocument.uri, uri);
      assert.equal(change.textDocument.version, 1, "the edit is for the open version");
      edits = change.edits;
    } else {
      edits = edit.changes![uri];
    }
    const fixed = applyEdits(conflictFlake, edits);
    assert.equal(
      fixed,
      conflictFlake.replace(
        '          networking.hostName = "server";\n',
        '          networking.hostName = "server";\n          microvm.guest.enable = false;\n',
      ),
    );
  });
});
