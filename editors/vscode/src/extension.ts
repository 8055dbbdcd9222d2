// The VS Code side of microvm-lsp: starts the language server for Nix files,
// shows its state in the status bar and restarts it on demand. Everything
// that can be decided without VS Code lives in config.ts and is unit-tested.

import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions, State } from "vscode-languageclient/node";

import {
  ClientState,
  SECTION,
  SERVER_SETTING_KEYS,
  Settings,
  buildClientOptions,
  buildServerOptions,
  expandServerPath,
  findExecutable,
  missingServerMessage,
  statusText,
} from "./config";

let client: LanguageClient | undefined;
let status: vscode.StatusBarItem;
let output: vscode.OutputChannel;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("microvm-lsp");
  status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 0);
  status.command = `${SECTION}.restart`;
  context.subscriptions.push(output, status);

  context.subscriptions.push(
    vscode.commands.registerCommand(`${SECTION}.restart`, async () => {
      await stop();
      await start();
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      // Settings the server reads arrive through didChangeConfiguration;
      // how the server is started needs a restart.
      if (e.affectsConfiguration(`${SECTION}.path`) || e.affectsConfiguration(`${SECTION}.args`)) {
        await stop();
        await start();
      }
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await stop();
}

function show(state: ClientState): void {
  const s = statusText(state);
  status.text = s.text;
  status.tooltip = s.tooltip;
  status.show();
}

function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const settings: Settings = { path: c.get<string>("path"), args: c.get<string[]>("args") };
  for (const key of SERVER_SETTING_KEYS) {
    (settings as Record<string, unknown>)[key] = c.get(key);
  }
  return settings;
}

async function start(): Promise<void> {
  const settings = readSettings();
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const resolved = expandServerPath(settings.path, { workspaceFolder: folder });
  const command = findExecutable(resolved, { workspaceFolder: folder });
  if (command === undefined) {
    show("missing");
    const open = "Open Settings";
    const choice = await vscode.window.showErrorMessage(missingServerMessage(settings.path, resolved), open);
    if (choice === open) {
      await vscode.commands.executeCommand("workbench.action.openSettings", `${SECTION}.path`);
    }
    return;
  }

  const serverOptions: ServerOptions = buildServerOptions(command, settings, folder);
  const clientOptions: LanguageClientOptions = {
    ...buildClientOptions(settings),
    synchronize: {
      configurationSection: SECTION,
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.nix"),
    },
    outputChannel: output,
  };
  client = new LanguageClient(SECTION, "microvm-lsp", serverOptions, clientOptions);
  client.onDidChangeState((e) => {
    if (e.newState === State.Running) {
      show("running");
    } else if (e.newState === State.Starting) {
      show("starting");
    } else {
      show("stopped");
    }
  });
  show("starting");
  try {
    await client.start();
  } catch (err) {
    show("failed");
    output.appendLine(`microvm-lsp failed to start: ${err}`);
    void vscode.window.showErrorMessage(`microvm-lsp failed to start (${command}): ${err}. See the microvm-lsp output.`);
  }
}

async function stop(): Promise<void> {
  const c = client;
  client = undefined;
  if (c !== undefined) {
    try {
      await c.stop();
    } catch (err) {
      output.appendLine(`stopping microvm-lsp: ${err}`);
    }
  }
  show("stopped");
}

// The tests run against the bundle (dist/extension.js), the file that ships:
// the pure functions they check are exported from it too.
export {
  SERVER_SETTING_KEYS,
  buildClientOptions,
  buildServerOptions,
  expandServerPath,
  findExecutable,
  missingServerMessage,
  serverSettings,
  statusText,
} from "./config";
