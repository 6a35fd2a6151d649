import type {
  AuditEvent,
  CascadePredictionResponse,
  DependencyGraphResponse,
  UpcomingRebuild,
} from '@image-factory/plugin-image-factory-common';
import { DIGESTS } from './builds';

const digest = (hex: string) => `sha256:${hex.repeat(64 / hex.length)}`;

/** Digests of the rebuild fixtures, easy to tell apart shortened. */
export const REBUILD_DIGESTS = {
  busyboxOld: digest('0b0b0b0b'),
  busyboxNew: digest('0c0c0c0c'),
  debianOld: digest('0d0d0d0d'),
  debianNew: digest('0e0e0e0e'),
};

/** Node ids of {@link graphFixture}. */
export const NODES = {
  busybox: 'docker.io/library/busybox:stable',
  debian: 'docker.io/library/debian:bookworm-slim',
  busyboxBase: 'localhost:5000/base/busybox:stable',
  helloWeb: 'localhost:5000/apps/hello-web:latest',
  helloApi: 'localhost:5000/apps/hello-api:latest',
  helloWorker: 'localhost:5000/apps/hello-worker:latest',
  python: 'localhost:5000/runtimes/python:3.11',
};

/**
 * busybox (discovered) → busybox-base → hello-web → hello-api → hello-worker,
 * and debian (external) → python-runtime, which nothing builds FROM.
 */
export const graphFixture: DependencyGraphResponse = {
  nodes: [
    {
      id: NODES.busybox,
      type: 'discovered',
      reference: NODES.busybox,
      digest: REBUILD_DIGESTS.busyboxNew,
    },
    {
      id: NODES.debian,
      entityRef: 'image:default/debian-bookworm',
      type: 'external',
      reference: NODES.debian,
      digest: REBUILD_DIGESTS.debianNew,
    },
    {
      id: NODES.busyboxBase,
      entityRef: 'image:default/busybox-base',
      type: 'base',
      reference: NODES.busyboxBase,
      digest: DIGESTS.base,
    },
    {
      id: NODES.helloWeb,
      entityRef: 'image:default/hello-web',
      type: 'managed',
      reference: NODES.helloWeb,
      digest: DIGESTS.index,
    },
    {
      id: NODES.helloApi,
      entityRef: 'image:default/hello-api',
      type: 'managed',
      reference: NODES.helloApi,
    },
    {
      id: NODES.helloWorker,
      entityRef: 'image:default/hello-worker',
      type: 'managed',
      reference: NODES.helloWorker,
    },
    {
      id: NODES.python,
      entityRef: 'image:default/python-runtime',
      type: 'managed',
      reference: NODES.python,
    },
  ],
  edges: [
    { from: NODES.busybox, to: NODES.busyboxBase },
    { from: NODES.busyboxBase, to: NODES.helloWeb },
    { from: NODES.helloWeb, to: NODES.helloApi },
    { from: NODES.helloApi, to: NODES.helloWorker },
    { from: NODES.debian, to: NODES.python },
  ],
  cycles: [],
  problems: [],
  sourceProblems: [],
};

/** A new busybox-base rebuilds hello-web, then hello-api; the cap cuts hello-worker. */
export const busyboxBaseCascade: CascadePredictionResponse = {
  node: NODES.busyboxBase,
  rebuilds: [
    {
      entityRef: 'image:default/hello-web',
      depth: 1,
      via: [NODES.busyboxBase],
    },
    {
      entityRef: 'image:default/hello-api',
      depth: 2,
      via: [NODES.busyboxBase, NODES.helloWeb],
    },
  ],
  cut: [
    {
      entityRef: 'image:default/hello-worker',
      depth: 3,
      via: [NODES.busyboxBase, NODES.helloWeb, NODES.helloApi],
    },
  ],
};

/** An upcoming rebuild of hello-web, waiting for its delay by default. */
export function upcomingFixture(
  fields: Partial<UpcomingRebuild> = {},
): UpcomingRebuild {
  return {
    imageName: 'hello-web',
    entityRef: 'image:default/hello-web',
    reasons: [
      {
        baseReference: NODES.busyboxBase,
        oldDigest: REBUILD_DIGESTS.busyboxOld,
        newDigest: REBUILD_DIGESTS.busyboxNew,
        firstSeenAt: new Date(Date.now() - 3_600_000).toISOString(),
      },
    ],
    platforms: ['linux/amd64', 'linux/arm64'],
    state: 'waiting-delay',
    eligibleAt: new Date(Date.now() + 2 * 3_600_000).toISOString(),
    ...fields,
  };
}

/** An entry of hello-web's audit trail. */
export function auditFixture(
  fields: Partial<AuditEvent> = {},
  n = 1,
): AuditEvent {
  return {
    id: `00000000-0000-4000-a000-${String(n).padStart(12, '0')}`,
    entityRef: 'image:default/hello-web',
    action: 'emergency-rebuild',
    actor: 'user:default/jane',
    justification: 'CVE-2026-1234',
    at: '2026-11-20T10:00:00.000Z',
    summary: 'queued run 1a2b… with 2 images in the cascade',
    ...fields,
  };
}
