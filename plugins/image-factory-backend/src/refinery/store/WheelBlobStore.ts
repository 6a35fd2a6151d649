/**
 * Where wheel bytes live, by sha256: the directory store for the embedded
 * default, the factory's OCI registry (artifacts) when it is configured.
 */
export interface WheelBlobStore {
  /**
   * Stores bytes under their sha256; storing them again changes nothing.
   * `name` is the file's name (`….whl`, or PEP 658's `….whl.metadata`),
   * which a store may keep beside the bytes for people and tools.
   */
  put(sha256: string, bytes: Buffer, name?: string): Promise<void>;
  /** The bytes, or undefined when the store does not hold them. */
  get(sha256: string): Promise<Buffer | undefined>;
}
