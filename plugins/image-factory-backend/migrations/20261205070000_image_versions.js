/*
 * Image Factory: the cache of the Versions view. Tag listings expire (they
 * are listed again after `imageFactory.versions.tagsCacheTime`); the details
 * of a manifest or index (platforms, sizes, configs) are immutable by digest
 * and kept without expiry, bounded by `imageFactory.versions.maxCachedDetails`.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('version_listings', table => {
    table.comment('When each repository was last listed, and how');
    table.string('registry', 255).notNullable();
    table.string('repository', 255).notNullable();
    table
      .string('adapter', 64)
      .notNullable()
      .comment('The registry adapter that listed it: oci, docker-hub, ghcr');
    table.timestamp('listed_at', { useTz: true }).nullable();
    table
      .timestamp('failing_since', { useTz: true })
      .nullable()
      .comment('First failure of the listings failing since the last success');
    table.text('last_error').nullable();
    table.primary(['registry', 'repository']);
  });
  await knex.schema.createTable('version_tags', table => {
    table.comment('The tags of the last successful listing of a repository');
    table.string('registry', 255).notNullable();
    table.string('repository', 255).notNullable();
    table.string('tag', 128).notNullable();
    table
      .string('digest', 255)
      .nullable()
      .comment('What the tag named when listed; null for attachment tags');
    table
      .timestamp('pushed_at', { useTz: true })
      .nullable()
      .comment('When the tag was pushed, when the registry says (hub APIs)');
    table.primary(['registry', 'repository', 'tag']);
  });
  await knex.schema.createTable('version_details', table => {
    table.comment(
      'Platforms, sizes and configs of a manifest or index, by digest',
    );
    table.string('digest', 255).notNullable().primary();
    table.text('details').notNullable().comment('JSON');
    table.timestamp('fetched_at', { useTz: true }).notNullable();
    table.index(['fetched_at'], 'version_details_fetched_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('version_details');
  await knex.schema.dropTable('version_tags');
  await knex.schema.dropTable('version_listings');
};
