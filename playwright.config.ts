import { defineConfig } from '@playwright/test';
import fs from 'fs';
import path from 'path';

/*
 * End-to-end tests run the real backend (serving the built frontend) on
 * 127.0.0.1:7007, with the factory's config repository `image-factory/examples`
 * (seeded from examples/) on the GitHub test server on 127.0.0.1:7011: the
 * tests open, merge and edit through it as users and reviewers would. The
 * repository `image-factory/deploy-e2e` (seeded from e2e/deploy/) uses an
 * image, and receives the lifecycle's update pull requests.
 * Build the frontend first (`yarn workspace app build`); ./scripts/test does.
 */
const runDir = path.resolve(__dirname, '.run/e2e');
// The config is loaded again in each worker: only the main process prepares the files.
if (!process.env.IMAGE_FACTORY_E2E_SQLITE) {
  fs.rmSync(runDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(runDir, 'sqlite'), { recursive: true });
  process.env.IMAGE_FACTORY_E2E_SQLITE = path.join(runDir, 'sqlite');
}

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'e2e/report' }]],
  outputDir: 'e2e/test-results',
  webServer: [
    {
      // Builds are pushed here (images.yaml entries of the build test).
      command: 'docker-registry serve e2e/registry.yml',
      url: 'http://127.0.0.1:5055/v2/',
      env: {
        REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY: path.join(
          runDir,
          'registry',
        ),
      },
      timeout: 30_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      command: `yarn workspace @image-factory/github-test-server start --port 7011 --token e2e-token --repo image-factory/examples=${path.resolve(
        __dirname,
        'examples',
      )} --repo image-factory/deploy-e2e=${path.resolve(
        __dirname,
        'e2e/deploy',
      )}`,
      url: 'http://127.0.0.1:7011/',
      env: {
        GITHUB_TEST_SERVER_WEBHOOK_URL:
          'http://127.0.0.1:7007/api/image-factory/webhooks/github',
        GITHUB_TEST_SERVER_WEBHOOK_SECRET: 'e2e-webhook-secret',
      },
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      // The wheel sets' upstream index: real sdists from Debian's pool
      // (./scripts/test makes .tools/upstream), as PEP 503 pages.
      command: `python3 -m http.server 7013 --bind 127.0.0.1 --directory ${path.resolve(
        __dirname,
        '.tools/upstream',
      )}`,
      url: 'http://127.0.0.1:7013/simple/',
      timeout: 30_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      command:
        'yarn workspace backend start --config ../../app-config.yaml --config ../../e2e/app-config.e2e.yaml',
      url: 'http://127.0.0.1:7007/api/image-factory/health',
      timeout: 180_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
    },
  ],
  use: {
    baseURL: 'http://127.0.0.1:7007',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      // Debian's Chromium: Playwright never downloads a browser here.
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--headless',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [{ name: 'chromium' }],
});
