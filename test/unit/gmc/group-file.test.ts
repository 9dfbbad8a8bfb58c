/**
 * Group and invitation files: they read back to what was written, bare invitation XML is
 * accepted, and damaged files are refused with a code (never thrown).
 */
import { describe, expect, it } from 'vitest';
import {
  decodeGroupFile,
  decodeInvitationFile,
  encodeGroupFile,
  encodeInvitationFile,
} from '../../../src/gmc/group-file.js';
import { createGroup } from '../../../src/gmc/issue.js';
import { createIdentity } from '../../../src/keys/identity.js';
import { T0 } from './fixtures.js';

describe('group files', () => {
  it('a group file reads back to the same group', async () => {
    const group = await createGroup({ classifier: 'team', nowWallMs: T0 });
    const back = decodeGroupFile(encodeGroupFile(group));
    expect(back.ok && back.value).toEqual(group);
  });

  it('an invitation file keeps the invitation and the bearer key pair; bare XML reads too', () => {
    const bob = createIdentity();
    const text = encodeInvitationFile({
      invitation: '<PEERINVITATION/>',
      identity: bob,
      group: 'g',
    });
    const back = decodeInvitationFile(text);
    expect(back.ok && back.value).toEqual({
      invitation: '<PEERINVITATION/>',
      identity: bob,
      group: 'g',
    });
    const bare = decodeInvitationFile('  <PEERINVITATION VERSION="1.0"/>\n');
    expect(bare.ok && bare.value).toEqual({ invitation: '<PEERINVITATION VERSION="1.0"/>' });
  });

  it('refuses damaged files with a code', async () => {
    const group = await createGroup({ classifier: 'team', nowWallMs: T0 });
    const doc = JSON.parse(encodeGroupFile(group));
    const bad = (o: unknown) => decodeGroupFile(JSON.stringify(o));
    expect(decodeGroupFile('{').ok).toBe(false);
    expect(bad({ ...doc, type: 'x' })).toMatchObject({ ok: false, error: { code: 'wrong-type' } });
    expect(bad({ ...doc, publicKey: '00'.repeat(32) })).toMatchObject({
      error: { code: 'bad-key' },
    });
    expect(bad({ ...doc, chain: ['***'] })).toMatchObject({ error: { code: 'bad-chain' } });
    expect(bad({ ...doc, peerName: '0.team' })).toMatchObject({ error: { code: 'bad-field' } });
    expect(decodeInvitationFile('[]')).toMatchObject({ ok: false, error: { code: 'not-object' } });
  });
});
