/**
 * Whether a stage with its own `FROM --platform` uses the base
 * (`--platform=$BUILDPLATFORM` for a cross-compiling stage): that stage builds
 * from the same platform's image of it whatever the target platform.
 */
export function usedWithFixedPlatform(base: {
  usages: Array<{ platform?: string }>;
}): boolean {
  return base.usages.some(u => u.platform !== undefined);
}
