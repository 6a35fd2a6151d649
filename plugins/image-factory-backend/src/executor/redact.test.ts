import { createRedactor, REDACTED } from './redact';

describe('createRedactor', () => {
  it('removes the secret and its base64 forms', () => {
    const redact = createRedactor('s3cr3t+/pw', 'builder');
    const basic = Buffer.from('builder:s3cr3t+/pw').toString('base64');
    const text = [
      'login with s3cr3t+/pw failed',
      `Authorization: Basic ${basic}`,
      `url-safe ${Buffer.from('s3cr3t+/pw')
        .toString('base64')
        .replace(/\+/g, '-')
        .replace(/\//g, '_')}`,
    ].join('\n');

    const result = redact(text);
    expect(result).not.toContain('s3cr3t');
    expect(result).not.toContain(basic.replace(/=+$/, ''));
    expect(result.split(REDACTED)).toHaveLength(4);
  });

  it('leaves text alone without a secret', () => {
    expect(createRedactor(undefined)('unauthorized')).toBe('unauthorized');
  });
});
