import { run } from './cli';

run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A bug, not bad input: say so in one line, with the stack only when asked for.
    console.error(
      `planner: unexpected error: ${error instanceof Error ? error.message : String(error)}`,
    );
    if (process.env['PLANNER_DEBUG'] !== undefined && error instanceof Error)
      console.error(error.stack);
    process.exitCode = 3;
  },
);
