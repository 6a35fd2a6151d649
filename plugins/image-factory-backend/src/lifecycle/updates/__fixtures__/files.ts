/*
 * Files of repositories that use the image, written the way people write
 * them (comments, blank lines, flow maps, several documents, mixed quoting)
 * and not the way prettier would, so they are strings here: prettier leaves
 * template literals alone.
 */

/** A kustomize overlay with the image, a near miss and a docker.io short name. */
export const KUSTOMIZATION = `# Production overlay. The Image Factory must keep these comments.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization

resources:
  - ../../base # the shared base

images:
  # The app itself.
  - name: localhost:5000/team/web-api
    newTag: "1.4.1" # set by hand last time

  # A near miss that must stay as it is.
  - name: localhost:5000/team/web-api-tools
    newTag: v9
  - {name: nginx, newTag: "1.27"}
`;

/** Helm values with an image block and a flow-style sidecar block with a digest key. */
export const VALUES = `# Default values for web-api.
replicaCount: 2

image:
  # Where the factory pushes it.
  repository: localhost:5000/team/web-api
  pullPolicy: IfNotPresent
  # Overrides the chart's appVersion.
  tag: "1.4.1"

sidecar:
  image: {registry: docker.io, repository: library/busybox, tag: "1.36", digest: ""}

service:
  type: ClusterIP # internal only
  port: 80
`;

/** Two documents naming the image three ways, and a near miss. */
export const MANIFEST = `# The web API and its migration job.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-api
spec:
  template:
    spec:
      containers:
        - name: web
          image: localhost:5000/team/web-api:1.4.1 # pinned by the factory
          ports: [{containerPort: 8080}]

        - name: tools
          image: "localhost:5000/team/web-api-tools:v9"
---
# Runs once per release.
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    spec:
      containers:
        - {name: migrate, image: 'localhost:5000/team/web-api@sha256:0000000000000000000000000000000000000000000000000000000000000000'}
`;

/** Multi-stage, with flags, a near miss, a stage name and a build argument. */
export const DOCKERFILE = `# syntax=docker/dockerfile:1
FROM --platform=$BUILDPLATFORM localhost:5000/team/web-api:1.4.1 AS build
RUN make

# A near miss and a stage name.
FROM localhost:5000/team/web-api-tools:v9 AS tools
from build as test
FROM \${BASE}

FROM localhost:5000/team/web-api:1.4.1
COPY --from=build /out /srv
`;
