import * as fs from 'fs';

/**
 * A symbolic link to a file. Windows lets only an elevated shell or Developer Mode make one: without either, the
 * tests that need it fail with this said, rather than skip what they check.
 */
export function fileLink(target: string, at: string): void {
  try {
    fs.symlinkSync(target, at, 'file');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM' || process.platform !== 'win32') throw error;
    throw new Error(
      `Cannot create the symbolic link ${at}: on Windows, turn on Developer Mode (the For developers page of Settings) or run the tests in an elevated shell.`,
      { cause: error },
    );
  }
}
