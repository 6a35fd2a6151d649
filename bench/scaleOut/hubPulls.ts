import { Organisation } from './organisation';
import { DOCKER_HUB } from './params';

/**
 * Docker Hub pulls by builds. Docker Hub counts a manifest GET per
 * architecture as a pull and a HEAD (a version check) as none; a host that
 * already holds the base's digest for the platform only checks the version.
 * So a build costs a pull the first time its host builds that platform from
 * that digest; behind a pull-through mirror, the first time in the cluster.
 */
export class HubPulls {
  /** Pull times per build host (one address each). */
  readonly byHost: number[][];
  /** Pull times through one mirror for the cluster. */
  readonly mirror: number[] = [];
  private readonly held = new Set<string>();

  constructor(private readonly org: Organisation) {
    this.byHost = org.executors.map(() => []);
  }

  build(options: {
    image: number;
    content: Map<number, number>;
    platform: string;
    host: number;
    now: number;
  }): void {
    const { image, content, platform, host, now } = options;
    for (const b of this.org.images[image].bases) {
      if (this.org.bases[b].host !== DOCKER_HUB) continue;
      const digest = `${b}|${content.get(b)}|${platform}`;
      const onHost = `${host}|${digest}`;
      if (!this.held.has(onHost)) {
        this.held.add(onHost);
        this.byHost[host].push(now);
      }
      if (!this.held.has(digest)) {
        this.held.add(digest);
        this.mirror.push(now);
      }
    }
  }
}
