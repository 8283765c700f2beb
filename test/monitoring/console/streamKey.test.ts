import { describe, expect, it } from 'vitest';
import { actionKey, streamPath } from '../../../shared/monitoring/console/browser/streamKey';

describe('stream keys in the console', () => {
  it('a UTF-8 key is sent as text; a b64: key (not UTF-8) as base64', () => {
    expect(actionKey('orders:<b>events</b>')).toEqual({ key: 'orders:<b>events</b>', keyEncoding: 'utf8' });
    expect(actionKey('b64:/w==')).toEqual({ key: '/w==', keyEncoding: 'base64' });
  });

  it('the detail path is base64url of the key bytes, so / ? % in a key cannot change the URL', () => {
    const path = streamPath('alpha', 'a/b?c=%d é');
    expect(path).toBe(`/clusters/alpha/streams/${Buffer.from('a/b?c=%d é', 'utf8').toString('base64url')}?keyEncoding=base64`);
    expect(streamPath('alpha', 'b64:/w==')).toBe('/clusters/alpha/streams/_w?keyEncoding=base64');
  });
});
