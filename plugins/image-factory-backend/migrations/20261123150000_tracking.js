/*
 * Image Factory: base-image tracking. The references the factory watches,
 * with their check schedule, and every digest it has observed for them, with
 * its own first-seen time: rebuild delays count from when the factory first
 * saw a digest, which works for digest-only re-pushes where a tag's push date
 * does not.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('tracked_references', table => {
    table.comment('Image references whose digest the factory polls');
    table
      .string('reference', 512)
      .primary()
      .notNullable()
      .comment('Canonical image reference, e.g. docker.io/library/node:22');
    table
      .string('registry', 255)
      .notNullable()
      .comment(
        'Registry host, so that a rate limit can postpone all its references',
      );
    table.timestamp('next_check_at', { useTz: true }).notNullable();
    table.timestamp('last_checked_at', { useTz: true }).nullable();
    table
      .text('last_error')
      .nullable()
      .comment(
        'Name and message of the last failed check; cleared by a success',
      );
    table.index(['next_check_at'], 'tracked_references_next_check_at_idx');
    table.index(['registry'], 'tracked_references_registry_idx');
  });

  await knex.schema.createTable('tracked_digests', table => {
    table.comment('Every digest observed for a tracked reference');
    table.string('reference', 512).notNullable();
    table
      .string('platform', 128)
      .notNullable()
      .comment(
        "os/arch[/variant] of an index child; '' for the manifest or index itself",
      );
    table.string('digest', 255).notNullable();
    table.timestamp('first_seen_at', { useTz: true }).notNullable();
    table.timestamp('last_seen_at', { useTz: true }).notNullable();
    table
      .boolean('current')
      .notNullable()
      .defaultTo(false)
      .comment(
        'Whether the last observation of the reference holds this digest',
      );
    table.primary(['reference', 'platform', 'digest']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('tracked_digests');
  await knex.schema.dropTable('tracked_references');
};
