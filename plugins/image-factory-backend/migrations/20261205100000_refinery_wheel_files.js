/*
 * Image Factory: the wheel refinery's published files. One row per wheel
 * file the simple index serves (project, file name, digests, tags, yanked
 * state); the bytes live in a content-addressed blob store keyed by sha256.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('refinery_wheel_files', table => {
    table.comment('Wheel files the refinery serves in its simple index');
    table.string('project', 255).notNullable().comment('PEP 503 normalized');
    table.string('filename', 512).notNullable();
    table.string('version', 128).notNullable();
    table.string('sha256', 64).notNullable();
    table.bigInteger('size').notNullable();
    table.string('metadata_sha256', 64).notNullable();
    table.string('requires_python', 255).nullable();
    table
      .string('architecture', 32)
      .nullable()
      .comment('The one architecture of a platform wheel, null when pure');
    table
      .string('build_key', 64)
      .nullable()
      .comment(
        'Hash of the inputs that built it (sdist, builder, hints, target)',
      );
    table.boolean('yanked').notNullable().defaultTo(false);
    table.text('yanked_reason').nullable();
    table.timestamp('uploaded_at', { useTz: true }).notNullable();
    table.primary(['project', 'filename']);
    table.index(['sha256'], 'refinery_wheel_files_sha256_idx');
    table.index(['build_key'], 'refinery_wheel_files_build_key_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('refinery_wheel_files');
};
