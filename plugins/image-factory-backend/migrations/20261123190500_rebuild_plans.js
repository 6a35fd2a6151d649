/*
 * Image Factory: rebuild planning. One open plan per image (the rebuild the
 * planner will queue, or has queued, because bases changed or an emergency
 * was asked for), kept after it closes for history; and the audit trail of
 * the images (emergency rebuilds, planned and blocked rebuilds).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('rebuild_plans', table => {
    table.comment('Rebuilds planned because bases changed, or asked for');
    table.string('id', 36).primary().notNullable().comment('UUID');
    table.string('image_name', 63).notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('cause', 16).notNullable().comment('base-change or emergency');
    table
      .string('state', 20)
      .notNullable()
      .comment(
        'waiting-delay, coalescing, waiting-upstream, queued, blocked, manual; done or superseded once closed',
      );
    table.boolean('open').notNullable().defaultTo(true);
    table.text('reasons').notNullable().comment('Reasons as JSON');
    table.text('platforms').notNullable().comment('Platforms as JSON');
    table.timestamp('eligible_at', { useTz: true }).notNullable();
    table.timestamp('quiet_until', { useTz: true }).nullable();
    table.timestamp('max_wait_until', { useTz: true }).nullable();
    table.text('waiting_for').nullable().comment('Entity refs as JSON');
    table.text('blocked_reason').nullable();
    table.string('run_id', 36).nullable().comment('The build run queued');
    table
      .string('failed_run_id', 36)
      .nullable()
      .comment('The run that failed; blocks the cascade below');
    table.integer('depth').notNullable().defaultTo(1);
    table.string('requested_by', 255).nullable();
    table.text('justification').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('closed_at', { useTz: true }).nullable();
    table.index(['image_name', 'created_at'], 'rebuild_plans_image_idx');
  });
  // At most one open plan per image, on SQLite and Postgres alike.
  await knex.raw(
    `CREATE UNIQUE INDEX rebuild_plans_open_image_idx ON rebuild_plans (image_name) WHERE open = true`,
  );

  await knex.schema.createTable('audit_events', table => {
    table.comment('Audit trail of the images');
    table.string('id', 36).primary().notNullable().comment('UUID');
    table.string('entity_ref', 255).notNullable();
    table.string('action', 32).notNullable();
    table.string('actor', 255).notNullable();
    table.text('justification').nullable();
    table.text('summary').notNullable();
    table.text('run_ids').nullable().comment('Build run ids as JSON');
    table.timestamp('at', { useTz: true }).notNullable();
    table.index(['entity_ref', 'at'], 'audit_events_entity_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('audit_events');
  await knex.schema.dropTable('rebuild_plans');
};
