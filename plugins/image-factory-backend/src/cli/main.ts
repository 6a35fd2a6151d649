/*
 * The `image-factory` command line: `yarn image-factory analyze <Dockerfile>`.
 * Yarn runs scripts from the repository root; INIT_CWD is where it was called.
 */
import { runCli } from './runCli';

runCli(process.argv.slice(2), {
  cwd: process.env.INIT_CWD ?? process.cwd(),
  stdout: text => process.stdout.write(text),
  stderr: text => process.stderr.write(text),
}).then(
  code => {
    process.exitCode = code;
  },
  error => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exitCode = 2;
  },
);
