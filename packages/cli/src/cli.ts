// The mockic command line. Each command is a small function over the public packages; `main`
// parses argv and returns the process exit code, so tests call it in-process.
import { readFileSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { Replica, UserError, VERSION, toHex as bytesToHex, fromHex as hexToBytes } from '@mockic/runtime';
import { startPocketIcServer } from '@mockic/pocket';
import { SERVE_HELP, serveCommand } from './serve-command.ts';

export const HELP = `mockic ${VERSION} — the Internet Computer in a box

Usage:
  mockic call <module.wasm> <method> [--arg-hex <hex>] [--query] [--init-arg-hex <hex>]
      Installs the module in a fresh in-process replica, calls <method> once (an update unless
      --query), and prints the reply as hex. Rejects print the IC error code and message (exit 1).
${SERVE_HELP}
  mockic pocket-server [--port <n>] [--port-file <path>]
      Starts a PocketIC-compatible server on 127.0.0.1 (the official @dfinity/pic client drives it
      with PocketIc.create(url)); writes the port to --port-file as the PocketIC binary does.
  mockic --version       Prints the version.
  mockic --help          Prints this text.
`;



function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

type Out = { log: (s: string) => void; error: (s: string) => void };

async function call(args: string[], out: Out): Promise<number> {
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--arg-hex' || a === '--init-arg-hex') i++;
    else if (!a.startsWith('--')) positional.push(a);
  }
  const [wasmPath, method] = positional;
  if (!wasmPath || !method) {
    out.error('mockic call: expected <module.wasm> <method>');
    return 2;
  }
  const replica = await Replica.create();
  try {
    const wasm = new Uint8Array(readFileSync(wasmPath));
    const initArg = option(args, '--init-arg-hex');
    const id = await replica.installCanister({ wasm, arg: initArg ? hexToBytes(initArg) : undefined });
    const arg = hexToBytes(option(args, '--arg-hex') ?? '4449444c0000');
    const reply = args.includes('--query') ? await replica.query(id, method, arg) : await replica.update(id, method, arg);
    out.log(bytesToHex(reply));
    return 0;
  } catch (e) {
    if (e instanceof UserError) {
      out.error(`${e.errorCode} (reject code ${e.rejectCode}): ${e.description}`);
      return 1;
    }
    throw e;
  }
}

/** Starts the PocketIC-compatible server; resolves when it closes (SIGINT/SIGTERM or `signal`). */
async function pocketServer(args: string[], out: Out, signal?: AbortSignal): Promise<number> {
  const port = portOption(args, 'pocket-server', undefined, out);
  if (port === null) return 2;
  const server = await startPocketIcServer({ port });
  const portFile = option(args, '--port-file');
  if (portFile) writeFileSync(portFile, String(server.port));
  out.log(`PocketIC-compatible server listening on ${server.url}`);
  await untilStopped(signal);
  await server.close();
  return 0;
}

function portOption(args: string[], name: string, fallback: number | undefined, out: Out): number | undefined | null {
  const text = option(args, '--port');
  if (text === undefined) return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    out.error(`mockic ${name}: invalid --port ${text}`);
    return null;
  }
  return port;
}

function untilStopped(signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      // one server stopping must not leave its handlers behind (several run in one test process)
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    signal?.addEventListener('abort', stop, { once: true });
  });
}

/** Runs the CLI; returns the exit code. */
export async function main(
  argv: string[],
  out: Out = { log: console.log, error: console.error },
  signal?: AbortSignal,
): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      out.log(HELP);
      return 0;
    case '--version':
    case '-v':
      out.log(VERSION);
      return 0;
    case 'call':
      return call(rest, out);
    case 'pocket-server':
      return pocketServer(rest, out, signal);
    case 'serve':
      return serveCommand(rest, out, signal, untilStopped);
    default:
      out.error(`mockic: unknown command '${command}'\n\n${HELP}`);
      return 2;
  }
}
