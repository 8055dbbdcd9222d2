// The tests run against dist/extension.js, the one file the extension ships
// (esbuild's bundle of src/ and vscode-languageclient). Under plain Node there
// is no `vscode` module: loadBundle answers require("vscode") with a fake that
// records what the extension asks of VS Code.

import * as fs from "node:fs";
import Module = require("node:module");
import * as path from "node:path";

import type * as Extension from "../extension";

/** The bundle under test. */
export const BUNDLE = path.resolve(__dirname, "..", "..", "dist", "extension.js");

/**
 * A stand-in for any part of the vscode API the extension does not use
 * directly: constructible and extensible (vscode-languageclient subclasses
 * some vscode classes when it loads), and every property is one too.
 */
function anything(): unknown {
  const cls = class {};
  return new Proxy(cls, {
    get(target, prop, receiver) {
      if (prop in target) {
        return Reflect.get(target, prop, receiver);
      }
      const v = anything();
      Reflect.set(target, prop, v);
      return v;
    },
  });
}

/** What the fake VS Code recorded. */
export interface Recorded {
  errors: { message: string; items: string[] }[];
  executed: { command: string; args: unknown[] }[];
  commands: Map<string, (...args: unknown[]) => unknown>;
  status: { text: string; tooltip: string; command?: string; shown: boolean };
  output: string[];
}

/** The fake VS Code's state: what the user has set and chooses. */
export interface FakeState {
  settings: Record<string, unknown>;
  workspaceFolder?: string;
  /** The button the user clicks in an error message, if any. */
  click?: string;
}

let current: { state: FakeState; recorded: Recorded } | undefined;

/** Resets the fake VS Code for the next test and returns its record. */
export function resetFake(state: FakeState): Recorded {
  const recorded: Recorded = {
    errors: [],
    executed: [],
    commands: new Map(),
    status: { text: "", tooltip: "", shown: false },
    output: [],
  };
  current = { state, recorded };
  return recorded;
}

function fakeVSCode(): unknown {
  const disposable = { dispose() {} };
  const known: Record<string, unknown> = {
    StatusBarAlignment: { Left: 1, Right: 2 },
    window: {
      createOutputChannel: () => ({
        appendLine: (l: string) => current?.recorded.output.push(l),
        append: () => {},
        show: () => {},
        dispose: () => {},
      }),
      createStatusBarItem: () => {
        const s = current!.recorded.status;
        return {
          set text(v: string) { s.text = v; },
          set tooltip(v: string) { s.tooltip = v; },
          set command(v: string) { s.command = v; },
          show: () => { s.shown = true; },
          dispose: () => {},
        };
      },
      showErrorMessage: async (message: string, ...items: string[]) => {
        current!.recorded.errors.push({ message, items });
        return current!.state.click;
      },
    },
    commands: {
      registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
        current!.recorded.commands.set(id, fn);
        return disposable;
      },
      executeCommand: async (command: string, ...args: unknown[]) => {
        current!.recorded.executed.push({ command, args });
      },
    },
    workspace: {
      get workspaceFolders() {
        const f = current?.state.workspaceFolder;
        return f === undefined ? undefined : [{ uri: { fsPath: f }, name: path.basename(f), index: 0 }];
      },
      getConfiguration: (section: string) => ({
        get: (key: string) => current?.state.settings[`${section}.${key}`],
      }),
      onDidChangeConfiguration: () => disposable,
      createFileSystemWatcher: () => disposable,
    },
  };
  const rest = anything() as Record<string | symbol, unknown>;
  return new Proxy(known, {
    get: (target, prop) => (prop in target ? target[prop as string] : rest[prop]),
  });
}

let loaded: typeof Extension | undefined;

/** Loads the bundle once, with the fake `vscode` module. */
export function loadBundle(): typeof Extension {
  if (loaded) {
    return loaded;
  }
  if (!fs.existsSync(BUNDLE)) {
    throw new Error(`${BUNDLE} is missing: run npm run compile`);
  }
  const vscode = fakeVSCode();
  const mod = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = mod._load;
  mod._load = function (request: string, ...rest: unknown[]) {
    return request === "vscode" ? vscode : load.call(this, request, ...rest);
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded = require(BUNDLE) as typeof Extension;
  return loaded;
}
