// Pure functions from the extension's settings to the language client's
// options. This module must not import `vscode` (nor vscode-languageclient,
// which does): it is unit-tested under plain Node.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The configuration section of the extension and of the server. */
export const SECTION = "microvm-lsp";

/** The settings the server reads (server/settings.go), passed through. */
export const SERVER_SETTING_KEYS = ["disabledChecks", "severity", "excludePaths", "logLevel", "formatter", "docsUrl"] as const;

export type ServerSettingKey = (typeof SERVER_SETTING_KEYS)[number];

/** What the extension reads from the `microvm-lsp` section. */
export interface Settings {
  path?: string;
  args?: string[];
  disabledChecks?: string[];
  severity?: Record<string, string>;
  excludePaths?: string[];
  logLevel?: string;
  formatter?: string[];
  docsUrl?: string;
}

/** Where the extension runs, for resolving the server path. */
export interface Environment {
  /** The first workspace folder's path, if any. */
  workspaceFolder?: string;
  home?: string;
  /** $PATH */
  pathVar?: string;
  platform?: NodeJS.Platform;
  /** $PATHEXT, on Windows. */
  pathExt?: string;
}

export const DEFAULT_COMMAND = "microvm-lsp";

/**
 * Expands `~` and `${workspaceFolder}` in the configured server path. A path
 * with a directory part that is still relative is taken relative to the
 * workspace folder; a bare name stays a name, to be found on $PATH.
 */
export function expandServerPath(configured: string | undefined, env: Environment): string {
  let p = (configured ?? "").trim();
  if (p === "") {
    return DEFAULT_COMMAND;
  }
  const home = env.home ?? os.homedir();
  if (p === "~" || p.startsWith("~/")) {
    p = path.join(home, p.slice(1));
  }
  if (env.workspaceFolder !== undefined) {
    p = p.split("${workspaceFolder}").join(env.workspaceFolder);
  }
  if (isBareName(p)) {
    return p;
  }
  if (!path.isAbsolute(p) && env.workspaceFolder !== undefined) {
    p = path.join(env.workspaceFolder, p);
  }
  return p;
}

function isBareName(p: string): boolean {
  return !p.includes("/") && !p.includes("\\");
}

/** Reports whether file exists, is a regular file and is executable. */
export type ExecutableCheck = (file: string) => boolean;

export const isExecutableFile: ExecutableCheck = (file) => {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) {
      return false;
    }
    if (process.platform === "win32") {
      return true;
    }
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * Finds the server executable: a path is checked as is, a bare name is
 * looked up on $PATH. Returns undefined when there is no such executable.
 */
export function findExecutable(command: string, env: Environment, check: ExecutableCheck = isExecutableFile): string | undefined {
  const platform = env.platform ?? process.platform;
  const exts = platform === "win32" ? ["", ...(env.pathExt ?? ".EXE;.CMD;.BAT").split(";").filter((e) => e !== "")] : [""];
  if (!isBareName(command)) {
    return exts.map((e) => command + e).find(check);
  }
  const sep = platform === "win32" ? ";" : ":";
  const pathMod = platform === "win32" ? path.win32 : path.posix;
  for (const dir of (env.pathVar ?? process.env.PATH ?? "").split(sep)) {
    if (dir === "") {
      continue;
    }
    for (const e of exts) {
      const candidate = pathMod.join(dir, command + e);
      if (check(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/** The message shown when the server cannot be started. */
export function missingServerMessage(configured: string | undefined, resolved: string): string {
  const what = configured && configured.trim() !== "" && configured.trim() !== DEFAULT_COMMAND
    ? `"${resolved}" (from the setting ${SECTION}.path) does not exist or is not executable.`
    : `"${DEFAULT_COMMAND}" was not found on PATH.`;
  return `microvm-lsp: the language server ${what} Install it (make build, then put bin/microvm-lsp on PATH) or set "${SECTION}.path" to the binary.`;
}

/**
 * The serverOptions of the language client (an Executable): the binary,
 * `serve` and the extra args. No transport: the client then speaks over the
 * process's stdin and stdout, and the command line is exactly the one the
 * settings describe (a transport would add `--stdio`).
 */
export interface ServerExecutable {
  command: string;
  args: string[];
  options?: { cwd?: string; env?: NodeJS.ProcessEnv };
}

export function buildServerOptions(command: string, settings: Settings, cwd?: string): ServerExecutable {
  const extra = (settings.args ?? []).filter((a) => typeof a === "string");
  const args = extra[0] === "serve" ? extra : ["serve", ...extra];
  const exe: ServerExecutable = { command, args };
  if (cwd !== undefined) {
    exe.options = { cwd };
  }
  return exe;
}

/** The server settings among the extension's, for initializationOptions. */
export function serverSettings(settings: Settings): Partial<Record<ServerSettingKey, unknown>> {
  const out: Partial<Record<ServerSettingKey, unknown>> = {};
  for (const key of SERVER_SETTING_KEYS) {
    const v = settings[key];
    if (v !== undefined && v !== null) {
      out[key] = v;
    }
  }
  return out;
}

/** The pure part of the LanguageClientOptions; extension.ts adds the watcher and output channel. */
export interface PlainClientOptions {
  documentSelector: { scheme: string; language: string }[];
  synchronize: { configurationSection: string };
  initializationOptions: Record<string, unknown>;
  diagnosticCollectionName: string;
}

export function buildClientOptions(settings: Settings): PlainClientOptions {
  return {
    documentSelector: [
      { scheme: "file", language: "nix" },
      { scheme: "untitled", language: "nix" },
    ],
    // Sends workspace/didChangeConfiguration when microvm-lsp.* changes; the
    // server then pulls the section with workspace/configuration.
    synchronize: { configurationSection: SECTION },
    initializationOptions: { [SECTION]: serverSettings(settings) },
    diagnosticCollectionName: SECTION,
  };
}

/** The status bar text for a client state. */
export type ClientState = "starting" | "running" | "stopped" | "missing" | "failed";

export function statusText(state: ClientState): { text: string; tooltip: string } {
  switch (state) {
    case "starting":
      return { text: "$(sync~spin) microvm-lsp", tooltip: "microvm-lsp is starting" };
    case "running":
      return { text: "$(check) microvm-lsp", tooltip: "microvm-lsp is running; click to restart" };
    case "stopped":
      return { text: "$(circle-slash) microvm-lsp", tooltip: "microvm-lsp is stopped; click to restart" };
    case "missing":
      return { text: "$(error) microvm-lsp", tooltip: `microvm-lsp not found: set ${SECTION}.path; click to retry` };
    case "failed":
      return { text: "$(error) microvm-lsp", tooltip: "microvm-lsp failed to start; see the output channel; click to restart" };
  }
}
