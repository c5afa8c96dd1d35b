/** Runs the real `opsdesk` CLI (TypeScript sources via tsx) as a child process. */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import net from "node:net";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a CLI command to completion, optionally writing `input` to its stdin. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<CliResult> {
  return collect(startCli(args, env), input);
}

/** Runs `node` with these arguments in the project's root to completion. */
export function runNode(args: string[]): Promise<CliResult> {
  return collect(spawn(process.execPath, args, { env: process.env, stdio: ["pipe", "pipe", "pipe"] }));
}

function collect(child: ChildProcessWithoutNullStreams, input?: string): Promise<CliResult> {
  if (input !== undefined) child.stdin.end(input);
  else child.stdin.end();
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
}

/** Starts a CLI command and returns the process (for `serve`). */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ["--import", "tsx", "src/cli/index.ts", ...args], {
    env: { ...process.env, OPSDESK_LOG_LEVEL: "warn", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
}

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

/** Polls a URL until it answers 200 or the time runs out. */
export async function waitFor(url: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not become ready in ${timeoutMs} ms`);
}
