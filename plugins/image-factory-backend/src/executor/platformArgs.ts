/**
 * The build arguments BuildKit sets by itself for a build of `platform` on an
 * engine of `buildPlatform` (TARGETPLATFORM, TARGETOS, TARGETARCH,
 * TARGETVARIANT and the BUILD* four), for the classic builder, which sets none.
 * Only those the Dockerfile declares with ARG are returned: the classic builder
 * warns about build arguments no ARG consumes.
 */
export function automaticPlatformArgs(
  dockerfileText: string,
  platform: string,
  buildPlatform: string,
): Record<string, string> {
  const args: Record<string, string> = {};
  for (const [prefix, value] of [
    ['TARGET', platform],
    ['BUILD', buildPlatform],
  ] as const) {
    const [os = '', arch = '', variant = ''] = value.split('/');
    const values = {
      [`${prefix}PLATFORM`]: value,
      [`${prefix}OS`]: os,
      [`${prefix}ARCH`]: arch,
      [`${prefix}VARIANT`]: variant,
    };
    for (const [name, v] of Object.entries(values)) {
      if (new RegExp(`^\\s*ARG\\b.*\\b${name}\\b`, 'im').test(dockerfileText)) {
        args[name] = v;
      }
    }
  }
  return args;
}
