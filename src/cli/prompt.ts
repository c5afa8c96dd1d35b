/** Reads a secret from the terminal without echoing it, or one line from a pipe. */
import readline from "node:readline";

/** Asks for a password; on a terminal the typed characters are not shown. */
export async function promptSecret(question: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    const rl = readline.createInterface({ input });
    for await (const line of rl) {
      rl.close();
      return line;
    }
    return "";
  }
  return new Promise((resolve) => {
    process.stderr.write(question);
    const rl = readline.createInterface({ input, output: process.stderr, terminal: true });
    // Swallow echo: readline writes what is typed through _writeToOutput.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
    rl.question("", (answer) => {
      rl.close();
      process.stderr.write("\n");
      resolve(answer);
    });
  });
}
