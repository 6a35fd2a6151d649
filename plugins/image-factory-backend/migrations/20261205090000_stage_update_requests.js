/*
 * Image Factory: update pull requests. When a version enters a stage, the
 * factory opens one pull request per repository that uses the image (the
 * stage's `updates`), pinning the digest. One row per image, stage and
 * repository holds the latest: which digest, which pull request, its state.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('stage_update_requests', table => {
    table.comment(
      'The pull request pinning the digest of a stage in a repository that uses the image',
    );
    table.string('image_name', 255).notNullable();
    table.string('stage', 63).notNullable();
    table.string('repository', 255).notNullable().comment('owner/name');
    table.string('digest', 255).notNullable().comment('The digest pinned');
    table
      .string('branch', 255)
      .notNullable()
      .comment('The head branch, image-factory/<image>/<stage>');
    table.integer('pull_number').nullable();
    table.text('url').nullable();
    table
      .string('state', 16)
      .notNullable()
      .comment('open, merged, closed, or failed (no pull request written)');
    table.text('error').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['image_name', 'stage', 'repository']);
    table.index(['state'], 'stage_update_requests_state_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('stage_update_requests');
};
