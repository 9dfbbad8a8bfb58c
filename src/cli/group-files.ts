/**
 * @module cli/group-files
 * Reading and writing the files of `pnrp group`: group files and invitation files (their text
 * forms are in gmc/group-file.ts), written with mode 0600 since they hold secret keys, never
 * overwritten without `--force`. Every failure is one {@link GroupFileError} naming the file.
 */
import {
  closeSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  decodeGroupFile,
  decodeInvitationFile,
  GROUP_FILE_MAX_BYTES,
  type InvitationFile,
} from '../gmc/group-file.js';
import type { Group } from '../gmc/issue.js';

/** A group or invitation file that cannot be read or written (exit code 1). */
export class GroupFileError extends Error {
  override name = 'GroupFileError';
}

function reason(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EEXIST') return 'already exists; pass --force to overwrite it';
  if (typeof code === 'string') return code;
  return e instanceof Error ? e.message : String(e);
}

/**
 * Writes `text` to `file` with mode 0600; an existing file only with `force` (then atomically).
 * @example writeSecretFile('team.group.json', encodeGroupFile(group), false)
 */
export function writeSecretFile(file: string, text: string, force: boolean): void {
  const target = force ? join(dirname(file), `.${basename(file)}.${process.pid}.tmp`) : file;
  try {
    const fd = openSync(target, 'wx', 0o600);
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    if (force) renameSync(target, file);
  } catch (e) {
    if (force) rmSync(target, { force: true });
    throw new GroupFileError(`cannot write ${file}: ${reason(e)}`);
  }
}

function readText(file: string, what: string): string {
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new GroupFileError(`${file}: not a regular file`);
    if (stat.size > GROUP_FILE_MAX_BYTES)
      throw new GroupFileError(`${file}: too large for ${what}`);
    return readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof GroupFileError) throw e;
    throw new GroupFileError(`cannot read ${what} ${file}: ${reason(e)}`);
  }
}

/**
 * Reads a group file written by `pnrp group create`.
 * @example const group = loadGroupFile('team.group.json');
 */
export function loadGroupFile(file: string): Group {
  const r = decodeGroupFile(readText(file, 'group file'));
  if (!r.ok)
    throw new GroupFileError(`${file}: not a pnrp group file (${r.error.code}: ${r.error.detail})`);
  return r.value;
}

/**
 * Reads an invitation file written by `pnrp group invite` (or bare invitation XML).
 * @example const { invitation, identity } = loadInvitationFile('bob.invite');
 */
export function loadInvitationFile(file: string): InvitationFile {
  const r = decodeInvitationFile(readText(file, 'invitation file'));
  if (!r.ok)
    throw new GroupFileError(
      `${file}: not a pnrp invitation file (${r.error.code}: ${r.error.detail})`,
    );
  return r.value;
}
