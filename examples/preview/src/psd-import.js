// psd-import.js: Photoshop mockups (PSD, PSB) as templates, through
// mockup-import-psd (doc/import-psd.md) run as a subprocess.
//
// An import writes a template folder into the user's cache,
//
//   $XDG_CACHE_HOME/mockup-preview/psd/SHA256/template.json
//
// SHA256 being that of the file's path, size and modification time: the
// same unchanged file is imported once, a changed one again. The importer
// writes into a sibling folder that is renamed into place only when it
// succeeded, so a folder under its key is always whole, whatever stopped an
// import before (a cancel, a crash, a full disk).
//
// The importer is, first found:
//   1. $MOCKUP_IMPORT_PSD, a command line (for tests, or another version);
//   2. the source tree's own (tools/import-psd), the one that matches the
//      library examples/preview/run builds, as `python3 -m mockup_import_psd`;
//   3. the installed `mockup-import-psd` on PATH.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

import {removeTree} from './util.js';

Gio._promisify(Gio.File.prototype, 'query_info_async', 'query_info_finish');
Gio._promisify(Gio.Subprocess.prototype, 'communicate_async', 'communicate_finish');

const srcDir = GLib.path_get_dirname(GLib.filename_from_uri(import.meta.url)[0]);
const topDir = Gio.File.new_for_path(GLib.build_filenamev([srcDir, '..', '..', '..'])).get_path();

/** Part of every cache key: a new one when what the app asks the importer for changes. */
const CACHE_VERSION = 1;

/** The suffixes of Photoshop documents the importer reads. */
export const PSD_SUFFIXES = ['psd', 'psb'];

/** An import that did not succeed; problems are its lines, without the file's path. */
export class PsdImportError extends Error {
    constructor(problems) {
        super(problems.join('\n'));
        this.name = 'PsdImportError';
        this.problems = problems;
    }
}

/**
 * Whether a file is a Photoshop document: by its suffix, or else by its
 * signature ("8BPS"), so that a dropped file without one is told apart
 * from an image too.
 */
export function isPhotoshopFile(path) {
    const dot = path.lastIndexOf('.');
    if (dot > path.lastIndexOf('/') && PSD_SUFFIXES.includes(path.slice(dot + 1).toLowerCase()))
        return true;
    let stream = null;
    try {
        // only a regular file is read: opening a FIFO would wait for a writer
        const file = Gio.File.new_for_path(path);
        if (file.query_file_type(Gio.FileQueryInfoFlags.NONE, null) !== Gio.FileType.REGULAR)
            return false;
        stream = file.read(null);
        const bytes = stream.read_bytes(4, null).toArray();
        return bytes.length === 4 && String.fromCharCode(...bytes) === '8BPS';
    } catch (e) {
        return false; // unreadable: opening it as an artwork says why
    } finally {
        stream?.close(null);
    }
}

/** Where imported templates are kept. */
export function cacheRoot() {
    return GLib.build_filenamev([GLib.get_user_cache_dir(), 'mockup-preview', 'psd']);
}

/**
 * How to run the importer: {argv, pythonPath, what}, or null when there is
 * none. Looked up at every import, so that $MOCKUP_IMPORT_PSD can change.
 */
export function findImporter() {
    const override = GLib.getenv('MOCKUP_IMPORT_PSD');
    if (override) {
        const [, argv] = GLib.shell_parse_argv(override);
        return {argv, pythonPath: null, what: argv[0]};
    }

    const packageDir = GLib.build_filenamev([topDir, 'tools', 'import-psd']);
    if (GLib.file_test(GLib.build_filenamev([packageDir, 'mockup_import_psd', '__main__.py']),
        GLib.FileTest.IS_REGULAR)) {
        // psd-tools is a distribution package (python3-psd-tools): the
        // system's Python has it, as the build prefers (bindings/meson.build)
        const python = GLib.file_test('/usr/bin/python3', GLib.FileTest.IS_EXECUTABLE)
            ? '/usr/bin/python3' : GLib.find_program_in_path('python3');
        if (python)
            return {argv: [python, '-m', 'mockup_import_psd'], pythonPath: packageDir, what: 'mockup_import_psd'};
    }

    const installed = GLib.find_program_in_path('mockup-import-psd');
    return installed ? {argv: [installed], pythonPath: null, what: 'mockup-import-psd'} : null;
}

/** The cache key of a file as it is now: SHA-256 of its path, size and modification time. */
async function cacheKey(path, cancellable) {
    const info = await Gio.File.new_for_path(path).query_info_async(
        'standard::type,standard::size,time::modified,time::modified-usec',
        Gio.FileQueryInfoFlags.NONE, GLib.PRIORITY_DEFAULT, cancellable);
    if (info.get_file_type() !== Gio.FileType.REGULAR)
        throw new PsdImportError(['not a regular file']);
    const mtime = info.get_modification_date_time();
    const text = [CACHE_VERSION, path, info.get_size(), mtime.to_unix(), mtime.get_microsecond()].join('\n');
    return GLib.compute_checksum_for_string(GLib.ChecksumType.SHA256, text, -1);
}

// The importer's stderr as problems: one a line, each without the
// "PATH: " it starts with. A Python traceback (a broken installation)
// becomes its last line.
function problemsOf(stderr, path, proc) {
    const lines = stderr.split('\n').map(l => l.trimEnd()).filter(l => l.length > 0);
    if (lines.some(l => l.startsWith('Traceback (most recent call last)')))
        return [`the importer failed: ${lines[lines.length - 1]}`];
    const problems = lines.map(l => (l.startsWith(`${path}: `) ? l.slice(path.length + 2) : l));
    if (problems.length > 0)
        return problems;
    if (proc.get_if_signaled())
        return [`the importer was killed by signal ${proc.get_term_sig()}`];
    return [`the importer stopped with exit status ${proc.get_exit_status()} and said nothing`];
}

/**
 * Imports a PSD or PSB into the cache, or finds it there.
 *
 * @param {string} path - an absolute path
 * @param {Gio.Cancellable} cancellable - stops the importer (it is killed)
 * @returns {Promise<{templatePath: string, reused: boolean}>}
 * @throws {PsdImportError} the importer's problems, or why it could not run;
 *   a Gio.IOErrorEnum.CANCELLED GLib.Error when cancelled
 */
export async function importPsd(path, cancellable) {
    let key;
    try {
        key = await cacheKey(path, cancellable);
    } catch (e) {
        if (e instanceof GLib.Error && !e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED))
            throw new PsdImportError([e.message]);
        throw e;
    }

    const root = cacheRoot();
    const folder = GLib.build_filenamev([root, key]);
    const templatePath = GLib.build_filenamev([folder, 'template.json']);
    if (GLib.file_test(templatePath, GLib.FileTest.IS_REGULAR))
        return {templatePath, reused: true};

    let importer;
    try {
        importer = findImporter();
    } catch (e) {
        throw new PsdImportError([`MOCKUP_IMPORT_PSD is not a command line: ${e.message}`]);
    }
    if (!importer) {
        throw new PsdImportError(['mockup-import-psd was not found; install mockup-glib’s importer, ' +
            'or set MOCKUP_IMPORT_PSD to its command']);
    }

    // the importer wants a folder that is empty or missing
    const partial = GLib.build_filenamev([root, `${key}.partial-${GLib.uuid_string_random()}`]);
    try {
        GLib.mkdir_with_parents(root, 0o700); // (a failure shows in the next line's error)
        Gio.File.new_for_path(partial).make_directory(null);
    } catch (e) {
        throw new PsdImportError([`cannot write to the cache (${root}): ${e.message}`]);
    }

    try {
        const launcher = new Gio.SubprocessLauncher({
            flags: Gio.SubprocessFlags.STDOUT_SILENCE | Gio.SubprocessFlags.STDERR_PIPE,
        });
        if (importer.pythonPath) {
            const old = GLib.getenv('PYTHONPATH');
            launcher.setenv('PYTHONPATH', old ? `${importer.pythonPath}:${old}` : importer.pythonPath, true);
            // no __pycache__ in the source tree
            launcher.setenv('PYTHONDONTWRITEBYTECODE', '1', true);
        }

        cancellable.set_error_if_cancelled();
        let proc;
        try {
            // the app never shows the slots' own contents: not written
            proc = launcher.spawnv([...importer.argv, '--quiet', '--no-contents', path, partial]);
        } catch (e) {
            throw new PsdImportError([`cannot run the importer (${importer.what}): ${e.message}`]);
        }

        // Cancelling kills the importer; communicate returns once it has
        // exited, so that the partial folder is removed only when nothing
        // writes to it any more.
        const handler = cancellable.connect(() => proc.force_exit()); // g_cancellable_connect()
        let stderr;
        try {
            [, stderr] = await proc.communicate_async(null, null);
        } finally {
            cancellable.disconnect(handler);
        }
        cancellable.set_error_if_cancelled();

        if (!proc.get_successful()) {
            // layer names in any encoding Python wrote them in
            const text = stderr ? new TextDecoder().decode(stderr.toArray()) : '';
            throw new PsdImportError(problemsOf(text, path, proc));
        }
        if (!GLib.file_test(GLib.build_filenamev([partial, 'template.json']), GLib.FileTest.IS_REGULAR))
            throw new PsdImportError([`the importer (${importer.what}) wrote no template.json`]);

        try {
            Gio.File.new_for_path(partial).move(Gio.File.new_for_path(folder), Gio.FileCopyFlags.NONE, null, null);
        } catch (e) {
            // another import of the same file (another window) was first
            if (!GLib.file_test(templatePath, GLib.FileTest.IS_REGULAR))
                throw new PsdImportError([`cannot write to the cache (${root}): ${e.message}`]);
        }
        return {templatePath, reused: false};
    } finally {
        try {
            removeTree(partial);
        } catch (e) {
            if (!(e instanceof GLib.Error && e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.NOT_FOUND)))
                logError(e, `removing ${partial}`);
        }
    }
}
