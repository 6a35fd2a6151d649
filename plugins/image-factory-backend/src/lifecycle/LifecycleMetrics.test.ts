import { metricsServiceMock } from '@backstage/backend-test-utils/alpha';
import { BuildRun } from '@image-factory/plugin-image-factory-common';
import { StageMoveRecord } from '../database';
import { LifecycleMetrics } from './LifecycleMetrics';

const digest = `sha256:${'c'.repeat(64)}`;
const run = (cause: BuildRun['cause']): BuildRun => ({
  id: 'r1',
  imageName: 'web',
  entityRef: 'image:default/web',
  cause,
  status: 'succeeded',
  inputs: { platforms: ['linux/amd64'] },
  indexDigest: digest,
  platforms: [],
  attempts: 1,
  createdAt: '2026-12-05T10:00:00.000Z',
});
const move = (over: Partial<StageMoveRecord>): StageMoveRecord => ({
  id: 'm1',
  imageName: 'web',
  stage: 'prod',
  action: 'promote',
  toDigest: digest,
  status: 'done',
  trigger: 'user',
  createdAt: new Date('2026-12-05T11:00:00Z'),
  finishedAt: new Date('2026-12-05T12:00:00Z'),
  ...over,
});

describe('LifecycleMetrics', () => {
  it('counts ended moves by stage and result, and times a base change to the stage', () => {
    const metrics = metricsServiceMock.mock();
    const lifecycle = new LifecycleMetrics(metrics);
    const instrument = (fn: jest.Mock, name: string) =>
      fn.mock.results[fn.mock.calls.findIndex(c => c[0] === name)].value;
    const moves = instrument(
      metrics.createCounter as jest.Mock,
      'image_factory_stage_moves_total',
    );
    const toStage = instrument(
      metrics.createHistogram as jest.Mock,
      'image_factory_base_change_to_stage_seconds',
    );
    const verification = instrument(
      metrics.createHistogram as jest.Mock,
      'image_factory_stage_verification_duration_seconds',
    );

    lifecycle.moveEnded(move({}), run('base-change'));
    lifecycle.moveEnded(move({ status: 'rejected' }), run('base-change'));
    lifecycle.moveEnded(move({}), run('manual'));
    lifecycle.verificationEnded('dev', false, 4500);

    expect(moves.add.mock.calls).toEqual([
      [
        1,
        { stage: 'prod', action: 'promote', result: 'done', trigger: 'user' },
      ],
      [
        1,
        {
          stage: 'prod',
          action: 'promote',
          result: 'rejected',
          trigger: 'user',
        },
      ],
      [
        1,
        { stage: 'prod', action: 'promote', result: 'done', trigger: 'user' },
      ],
    ]);
    // Only the base-change build that reached prod: two hours.
    expect(toStage.record.mock.calls).toEqual([[7200, { stage: 'prod' }]]);
    expect(verification.record.mock.calls).toEqual([
      [4.5, { stage: 'dev', result: 'failed' }],
    ]);
  });
});
