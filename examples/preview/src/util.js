// util.js: small helpers shared by the window and the tiles.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

export function isCancelled(error) {
    return error instanceof GLib.Error && error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED);
}

export function basename(path) {
    return GLib.path_get_basename(path);
}

/**
 * Shortens the absolute paths in a message to their last two parts:
 * "/long/path/templates/mug/template.json: layers[1].quad: …" becomes
 * "mug/template.json: layers[1].quad: …".
 */
export function shortenPaths(message) {
    return message.replace(/(?:\/[^/\s:]+)*\/([^/\s:]+\/[^/\s:]+)(?=:|\s|$)/g, '$1');
}

/**
 * The problem a library error names, without the file it starts with:
 * "mug/template.json: layers[1].quad: expected 4 points" gives
 * "layers[1].quad: expected 4 points". For a template's own tile and
 * toast, where the template is named already. Given @path, a message
 * that starts with it loses it.
 */
export function problemOf(message, path = null) {
    const line = message.split('\n')[0];
    if (path && line.startsWith(`${path}: `))
        return line.slice(path.length + 2);
    const m = /^(?:\/|[^\s:]*\/)?[^\s:]*\.json: (.+)$/.exec(line);
    return m ? m[1] : shortenPaths(line);
}

export function templateIdForPath(path) {
    const name = basename(path);
    if (name === 'template.json')
        return basename(GLib.path_get_dirname(path));
    return name.replace(/\.json$/, '');
}

/**
 * Deletes a file or a folder with everything in it, not following links.
 * For the app's own small cache folders: synchronous.
 */
export function removeTree(path) {
    const file = Gio.File.new_for_path(path);
    if (file.query_file_type(Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null) === Gio.FileType.DIRECTORY) {
        const enumerator = file.enumerate_children('standard::name', Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
        let info;
        while ((info = enumerator.next_file(null)) !== null)
            removeTree(GLib.build_filenamev([path, info.get_name()]));
        enumerator.close(null);
    }
    file.delete(null);
}
