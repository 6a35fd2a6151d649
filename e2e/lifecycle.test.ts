import { expect, Page, test } from '@playwright/test';
import { LIFECYCLE_SIGNAL_CHANNEL } from '@image-factory/plugin-image-factory-common';
import { readImagesYaml, writeImagesYaml } from './configRepository';
import {
  closeDeployPull,
  decideMove,
  guestToken,
  listStages,
  openDeployPulls,
  readDeployFile,
  RELEASE_BOT_TOKEN,
  succeededBuildDigests,
  tagDigest,
  verificationLog,
  writeDeployFile,
} from './lifecycleApi';
import { pushBusyboxVariant } from './registryPush';
import { followSignals } from './signals';
import { openAsGuest, reloadUntilVisible } from './signIn';

const BUILD_TIMEOUT = 300_000;

let original: string;
test.beforeEach(async () => {
  original = (await readImagesYaml()).text;
});
test.afterEach(async () => {
  await writeImagesYaml(original, 'Restore images.yaml');
});

/** Opens a stage's dialog, gives a reason and submits it. */
async function ask(page: Page, stage: string, button: string, reason: string) {
  await page
    .getByRole('region', { name: `Stage ${stage}` })
    .getByRole('button', { name: button })
    .click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Reason').fill(reason);
  await dialog
    .getByRole('button', { name: button.replace(/ from .*$/, '') })
    .click();
  await expect(dialog).toBeHidden();
}

test('a build enters dev once verified, a user promotes it to staging, a second identity approves prod, the users get a pull request, and a rollback moves the tag back', async ({
  page,
}, testInfo) => {
  test.setTimeout(1_200_000);
  // A retry meets the last attempt's stages in the database: it gets its own image.
  const name = `lifecycle-e2e${testInfo.retry ? `-r${testInfo.retry}` : ''}`;
  const repository = `e2e/${name}`;
  const reference = `127.0.0.1:5055/${repository}`;
  const held = (stage: string, digest: string) =>
    page
      .getByRole('region', { name: `Stage ${stage}` })
      .getByTitle(`${reference}@${digest}`);
  const run = Date.now();

  // The team that deploys the image names it in its kustomization.
  const kustomization = (
    await readDeployFile('kustomization.yaml', 'main')
  ).text.replace(
    /127\.0\.0\.1:5055\/e2e\/lifecycle[a-z0-9-]*\n/,
    `${reference}\n`,
  );
  await writeDeployFile('kustomization.yaml', kustomization);

  await pushBusyboxVariant('base/lifecycle-upstream', '1', `one-${run}`);
  await writeImagesYaml(
    `${original}
  - name: ${name}-upstream
    type: external
    owner: platform-team
    reference: 127.0.0.1:5055/base/lifecycle-upstream:1
    platforms: [linux/amd64]
  - name: ${name}
    type: managed
    owner: team-web
    title: Lifecycle (e2e)
    reference: ${reference}:1.0.0
    platforms: [linux/amd64]
    source:
      repo: image-factory/examples
      dockerfile: dockerfiles/busybox-base/Dockerfile
      context: dockerfiles/busybox-base
    buildArgs:
      UPSTREAM: 127.0.0.1:5055/base/lifecycle-upstream:1
    rebuild:
      auto: true
      delay: 0s
      coalesceWindow: 0s
    stages:
      - name: dev
        verify:
          - name: smoke
            # The sleep keeps "Waiting for verification" long enough to see.
            command: ["/bin/sh", "-c", "sleep 20; echo smoke ok; uname -m"]
            timeout: 2m
      - name: staging
      - name: prod
        promotion: approval
        updates:
          - repository: image-factory/deploy-e2e
            kind: kustomize
            file: kustomization.yaml
`,
    `Add ${name}`,
  );

  // 1. The first build enters dev by itself, once its smoke check passed.
  // (Reloads: when the build ends is not ours to choose, so the page may not
  // be subscribed to signals yet; step 3 tests the live update.)
  const signals = followSignals(page);
  await openAsGuest(page, `/catalog/default/image/${name}/lifecycle`);
  const dev = page.getByRole('region', { name: 'Stage dev' });
  await reloadUntilVisible(page, dev);
  await reloadUntilVisible(
    page,
    dev.getByLabel('dev: Waiting for verification'),
    BUILD_TIMEOUT,
  );
  await expect(dev).toContainText('Nothing promoted yet');
  const token = await guestToken();
  const [first] = await succeededBuildDigests(name, token);
  expect(first).toMatch(/^sha256:[0-9a-f]{64}$/);
  await reloadUntilVisible(page, held('dev', first), 120_000);
  const afterDev = await listStages(name, token);
  const entered = afterDev.moves.find(
    m => m.stage === 'dev' && m.toDigest === first,
  );
  expect(entered).toMatchObject({ trigger: 'auto', status: 'done' });
  expect(entered?.verificationId).toBeDefined();
  expect(
    afterDev.verifications?.find(v => v.id === entered?.verificationId),
  ).toMatchObject({ status: 'passed' });
  expect(await verificationLog(name, entered!.verificationId!, token)).toEqual(
    expect.arrayContaining(['[smoke] smoke ok', '[smoke] x86_64']),
  );
  expect(await tagDigest(repository, 'dev')).toBe(first);

  // 2. The guest promotes it to staging, then asks for prod.
  await ask(page, 'staging', 'Promote from dev', 'dev looks good');
  await expect(held('staging', first)).toBeVisible();
  expect(await tagDigest(repository, 'staging')).toBe(first);

  await ask(page, 'prod', 'Promote from staging', 'release 1.0.0');
  const prod = page.getByRole('region', { name: 'Stage prod' });
  const waiting = prod.getByLabel('prod: Waiting for approval');
  await expect(waiting).toBeVisible();
  await expect(waiting).toContainText('release 1.0.0');
  expect(await tagDigest(repository, 'prod')).toBeUndefined();
  if (process.env.README_SCREENSHOTS) {
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.screenshot({ path: 'docs/images/lifecycle-approval.png' });
    await page.setViewportSize({ width: 1280, height: 720 });
  }

  // The guest may not approve what they asked for.
  await ask(page, 'prod', 'Approve', 'my own release');
  await expect(page.getByText('The approval was refused')).toBeVisible();
  await expect(
    page.getByText('another approver must decide it', { exact: false }),
  ).toBeVisible();
  await expect(waiting).toBeVisible();

  // 3. The release bot approves; the open page shows prod without a reload.
  await signals.subscribed(LIFECYCLE_SIGNAL_CHANNEL);
  const pending = (await listStages(name, RELEASE_BOT_TOKEN)).moves.find(
    m => m.stage === 'prod' && m.status === 'waiting',
  );
  expect(pending).toMatchObject({
    waitingFor: 'approval',
    toDigest: first,
    requestedBy: 'user:default/guest',
  });
  const approval = await decideMove({
    image: name,
    stage: 'prod',
    moveId: pending!.id,
    decision: 'approve',
    reason: 'release window open',
    token: RELEASE_BOT_TOKEN,
  });
  expect(approval).toMatchObject({
    status: 200,
    body: { status: 'done', decidedBy: 'release-bot' },
  });
  await expect(held('prod', first)).toBeVisible({ timeout: 10_000 });
  await expect(waiting).toBeHidden();
  expect(await tagDigest(repository, 'prod')).toBe(first);

  // 4. The deployment repository gets a pull request pinning the digest.
  await expect(async () => {
    const pulls = await openDeployPulls();
    expect(pulls.map(p => p.head.ref)).toContain(`image-factory/${name}/prod`);
  }).toPass({ timeout: 60_000 });
  const pull = (await openDeployPulls()).find(
    p => p.head.ref === `image-factory/${name}/prod`,
  )!;
  expect(pull.body).toContain(first);
  const pinned = (await readDeployFile('kustomization.yaml', pull.head.ref))
    .text;
  const changed = kustomization
    .split('\n')
    .filter(line => !pinned.split('\n').includes(line));
  // Every line but the entry's tag is kept, comments included.
  expect(changed).toEqual(['    newTag: latest']);
  expect(pinned).toContain(`    digest: ${first}\n`);
  expect(pinned).toContain(
    "  # The image the factory builds (lifecycle.test.ts rewrites this entry's name).\n",
  );

  // 5. A base change rebuilds the image; the new version enters dev (verified again).
  await pushBusyboxVariant('base/lifecycle-upstream', '1', `two-${run}`);
  await expect(async () => {
    expect(await succeededBuildDigests(name, token)).toHaveLength(2);
  }).toPass({ timeout: BUILD_TIMEOUT, intervals: [5_000] });
  const [second] = await succeededBuildDigests(name, token);
  expect(second).not.toBe(first);
  // A reload: this step does not test the live update, and a page that saw
  // the backend restart (the dev server does on a source change) gets no
  // more signals (the signals client does not reconnect after a 1001 close).
  await reloadUntilVisible(page, held('dev', second), 180_000);
  expect(await tagDigest(repository, 'dev')).toBe(second);
  const reverified = (await listStages(name, token)).moves.find(
    m => m.stage === 'dev' && m.toDigest === second,
  );
  expect(reverified?.verificationId).toBeDefined();
  expect(reverified?.verificationId).not.toBe(entered?.verificationId);

  // 6. The second version goes through staging to prod, approved again; the
  // same pull request now pins it.
  await ask(page, 'staging', 'Promote from dev', 'the new base looks good');
  await expect(held('staging', second)).toBeVisible();
  await ask(page, 'prod', 'Promote from staging', 'release on the new base');
  await expect(waiting).toBeVisible();
  const next = (await listStages(name, RELEASE_BOT_TOKEN)).moves.find(
    m => m.stage === 'prod' && m.status === 'waiting',
  );
  expect(next?.toDigest).toBe(second);
  await signals.subscribed(LIFECYCLE_SIGNAL_CHANNEL);
  expect(
    await decideMove({
      image: name,
      stage: 'prod',
      moveId: next!.id,
      decision: 'approve',
      reason: 'base update',
      token: RELEASE_BOT_TOKEN,
    }),
  ).toMatchObject({ status: 200, body: { status: 'done' } });
  await expect(held('prod', second)).toBeVisible();
  expect(await tagDigest(repository, 'prod')).toBe(second);
  const pinnedIn = async () =>
    (await readDeployFile('kustomization.yaml', pull.head.ref)).text;
  await expect(async () => {
    expect(await pinnedIn()).toContain(`    digest: ${second}\n`);
  }).toPass({ timeout: 60_000 });
  expect(
    (await openDeployPulls()).filter(p => p.head.ref === pull.head.ref),
  ).toEqual([expect.objectContaining({ number: pull.number })]);

  // 7. Rolling prod back moves :prod back to the first version at once (no
  // approval), and the pull request follows.
  await ask(page, 'prod', 'Roll back', 'the new base breaks the app');
  await expect(held('prod', first)).toBeVisible();
  expect(await tagDigest(repository, 'prod')).toBe(first);
  await expect(async () => {
    expect(await pinnedIn()).toContain(`    digest: ${first}\n`);
  }).toPass({ timeout: 60_000 });
  const moves = (await listStages(name, token)).moves;
  expect(moves[0]).toMatchObject({
    stage: 'prod',
    action: 'rollback',
    fromDigest: second,
    toDigest: first,
    status: 'done',
    requestedBy: 'user:default/guest',
  });

  // 8. The tab lists that pull request and each verification with its
  // checks; closing the pull request on GitHub shows within seconds (its
  // webhook), not at the next poll (5 min).
  const updateRow = page.getByRole('row').filter({
    has: page.getByRole('link', {
      name: new RegExp(`image-factory/deploy-e2e#${pull.number}\\b`),
    }),
  });
  await expect(updateRow.getByText('open', { exact: true })).toBeVisible();
  await expect(
    page.getByText('smoke · linux/amd64: passed', { exact: false }).first(),
  ).toBeVisible();
  await closeDeployPull(pull.number);
  await reloadUntilVisible(
    page,
    updateRow.getByText('closed', { exact: true }),
    60_000,
  );

  // The factory-wide page: every image's stages.
  await page.goto('/image-factory/lifecycle');
  await expect(page.getByRole('link', { name }).first()).toBeVisible();
  if (process.env.README_SCREENSHOTS) {
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.screenshot({ path: 'docs/images/lifecycle-page.png' });
  }
});
