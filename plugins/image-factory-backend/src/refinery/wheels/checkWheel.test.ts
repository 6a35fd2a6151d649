import JSZip from 'jszip';
import { busybox } from '../../executor/__testUtils__/busybox';
import { buildTestWheel } from '../__testUtils__/buildTestWheel';
import { checkWheel } from './checkWheel';

/** A copy of a wheel with files replaced or added. */
async function repack(bytes: Buffer, files: Record<string, Buffer | string>) {
  const zip = await JSZip.loadAsync(bytes);
  for (const [name, content] of Object.entries(files)) zip.file(name, content);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

describe('checkWheel', () => {
  let pure: { filename: string; bytes: Buffer };
  let native: { filename: string; bytes: Buffer };
  beforeAll(async () => {
    pure = await buildTestWheel({
      name: 'tiny-refined',
      version: '1.0',
      requiresPython: '>=3.8',
    });
    native = await buildTestWheel({
      name: 'tiny-fast',
      version: '2.0',
      extension: true,
    });
  }, 120_000);

  const speedModule = async () => {
    const zip = await JSZip.loadAsync(native.bytes);
    return Object.keys(zip.files).find(f => f.endsWith('.so'))!;
  };

  it('passes a pure wheel built by pip, with its METADATA and requires-python', async () => {
    const checked = await checkWheel(pure.filename, pure.bytes);
    expect(pure.filename).toBe('tiny_refined-1.0-py3-none-any.whl');
    expect(checked).toMatchObject({
      project: 'tiny-refined',
      version: '1.0',
      requiresPython: '>=3.8',
      architecture: undefined,
      size: pure.bytes.length,
    });
    expect(checked.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(checked.metadataFile.toString()).toContain('Name: tiny-refined');
  });

  it('passes a C extension wheel whose objects match its linux tag', async () => {
    expect(native.filename).toMatch(
      /^tiny_fast-2\.0-cp3\d+-cp3\d+-linux_x86_64\.whl$/,
    );
    const checked = await checkWheel(native.filename, native.bytes, {
      platform: 'linux/amd64',
    });
    expect(checked.architecture).toMatchObject({ arch: 'x86_64' });
  });

  it('refuses a wheel holding an object of another architecture, naming the file', async () => {
    const so = await speedModule();
    for (const [arch, named] of [
      ['arm64', 'aarch64'],
      ['s390x', 's390x'],
    ]) {
      const bytes = await repack(native.bytes, { [so]: await busybox(arch) });
      await expect(checkWheel(native.filename, bytes)).rejects.toThrow(
        `${so} is built for ${named}, but the wheel is tagged linux_x86_64`,
      );
    }
  });

  it('refuses a wheel built for another platform than it was meant for', async () => {
    await expect(
      checkWheel(native.filename, native.bytes, { platform: 'linux/s390x' }),
    ).rejects.toThrow(
      'is tagged for linux/amd64, but was built for linux/s390x',
    );
  });

  it('refuses manylinux tags it has not verified, and a pure wheel with an ELF object', async () => {
    const manylinux = native.filename.replace(
      'linux_x86_64',
      'manylinux2014_x86_64',
    );
    await expect(checkWheel(manylinux, native.bytes)).rejects.toThrow(
      'is tagged manylinux2014_x86_64, which needs a manylinux policy check the refinery does not run; tag it linux_x86_64',
    );
    const withTool = await repack(pure.bytes, {
      'tiny_refined/bin/tool': await busybox('amd64'),
    });
    await expect(checkWheel(pure.filename, withTool)).rejects.toThrow(
      "is tagged 'any' but holds the compiled object tiny_refined/bin/tool",
    );
  });

  it('refuses a file name that does not match the wheel, and a file that is no zip', async () => {
    await expect(
      checkWheel('tiny_refined-1.1-py3-none-any.whl', pure.bytes),
    ).rejects.toThrow(
      "its tiny_refined-1.0.dist-info does not match the file name's tiny_refined-1.1",
    );
    await expect(
      checkWheel(pure.filename, Buffer.from('not a zip')),
    ).rejects.toThrow(`${pure.filename} is not a zip archive`);
    const withoutMetadata = await JSZip.loadAsync(pure.bytes);
    withoutMetadata.remove('tiny_refined-1.0.dist-info/METADATA');
    await expect(
      checkWheel(
        pure.filename,
        await withoutMetadata.generateAsync({ type: 'nodebuffer' }),
      ),
    ).rejects.toThrow('has no tiny_refined-1.0.dist-info/METADATA');
  });
});
