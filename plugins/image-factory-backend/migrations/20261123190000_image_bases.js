/*
 * Image Factory: the base images found in each image's Dockerfile, read from
 * its source host, so that the dependency graph is known after a restart
 * without asking GitHub, and an unchanged Dockerfile is read again with its
 * ETag (a 304 costs no rate limit).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('image_bases', table => {
    table.comment('Base images of each image, from its Dockerfile');
    table
      .string('entity_ref', 255)
      .primary()
      .notNullable()
      .comment('The Image entity');
    table
      .text('bases')
      .notNullable()
      .comment(
        'The resolved bases as JSON: reference, digest, platforms, usages',
      );
    table
      .string('etag', 255)
      .nullable()
      .comment('ETag of the Dockerfile as last read');
    table
      .string('inputs', 64)
      .nullable()
      .comment(
        'sha256 of the URL, build args and platforms the bases were analyzed with',
      );
    table.timestamp('analyzed_at', { useTz: true }).notNullable();
    table
      .text('problems')
      .notNullable()
      .comment('JSON array of messages, each file:line: message');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('image_bases');
};
