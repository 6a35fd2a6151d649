/**
 * A project whose build needs MarkupSafe (PEP 518 build requirement), as
 * packages that generate code with Cython or cffi do: reading its metadata
 * does not, building it does.
 */
export const USES_MARKUPSAFE = {
  name: 'uses-markupsafe',
  version: '1.0',
  files: {
    'pyproject.toml': `[build-system]
requires = ["setuptools", "MarkupSafe>=2"]
build-backend = "setuptools.build_meta"
`,
    'setup.py': `from setuptools import setup
from setuptools.command.build_py import build_py


class GenerateWithMarkupSafe(build_py):
    def run(self):
        import markupsafe  # the build requirement
        super().run()
        with open(self.get_module_outfile(self.build_lib, [], "uses_markupsafe"), "a") as out:
            out.write("ESCAPED = %r\\n" % str(markupsafe.escape("<b>")))


setup(name="uses-markupsafe", version="1.0", py_modules=["uses_markupsafe"],
      cmdclass={"build_py": GenerateWithMarkupSafe})
`,
    'uses_markupsafe.py': 'ANSWER = 42\n',
  },
};
