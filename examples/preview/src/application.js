// application.js: Mockup Preview's application object, its actions and
// its command line.
//
// Actions (for menus, shortcuts, tests and scripting with gapplication):
//
//   app.open-artwork(s)     open the artwork at this path; '' asks for one
//   app.import-psd(s)       add the Photoshop mockup (PSD, PSB) at this path
//                           as a template; '' asks for some
//   app.export-all(s)       export every mockup to this folder; '' asks
//   app.export-selected(s)  export the mockup shown or selected; '' asks
//   app.export-format       state: 'jpeg', 'png' or 'webp'
//   app.reload-templates    read the templates folder again
//   app.new-template(s)     the template editor on this photo (or PSD); '' opens it empty
//   app.edit-template(s)    the template editor on this template.json; '' edits the one
//                           shown or selected
//   app.shortcuts, app.about, app.quit
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import Adw from 'gi://Adw?version=1';
import Gdk from 'gi://Gdk?version=4.0';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk?version=4.0';

import {PreviewWindow, FORMATS} from './window.js';
import {EditorWindow} from './editor.js';
import {isPhotoshopFile} from './psd-import.js';

export const APPLICATION_ID = 'org.example.MockupPreview';
export const VERSION = '1.0.0';

const srcDir = GLib.path_get_dirname(GLib.filename_from_uri(import.meta.url)[0]);

/** data/templates of the source tree this app sits in. */
export const DEFAULT_TEMPLATES_DIR =
    Gio.File.new_for_path(GLib.build_filenamev([srcDir, '..', '..', '..', 'data', 'templates'])).get_path();

export const PreviewApplication = GObject.registerClass({
    GTypeName: 'MockupPreviewApplication',
}, class PreviewApplication extends Adw.Application {
    /**
     * @param {object} [options]
     * @param {boolean} [options.nonUnique] - do not register on the session
     *   bus as the one instance (for tests)
     */
    constructor({nonUnique = false} = {}) {
        let flags = Gio.ApplicationFlags.HANDLES_COMMAND_LINE;
        if (nonUnique)
            flags |= Gio.ApplicationFlags.NON_UNIQUE;
        super({application_id: APPLICATION_ID, flags});

        this.templatesDir = DEFAULT_TEMPLATES_DIR;

        this.add_main_option('templates', 't'.charCodeAt(0), GLib.OptionFlags.NONE,
            GLib.OptionArg.STRING, 'The folder of templates to preview (default: data/templates)', 'DIR');
        this.add_main_option('version', 0, GLib.OptionFlags.NONE, GLib.OptionArg.NONE,
            'Show the version and quit', null);
        this.add_main_option(GLib.OPTION_REMAINING, 0, GLib.OptionFlags.NONE,
            GLib.OptionArg.STRING_ARRAY, 'An image to preview, or a Photoshop mockup to add', null);
        this.set_option_context_parameter_string('[ARTWORK]');
        this.set_option_context_summary('Shows an artwork in every mockup template of a folder.');
    }

    vfunc_handle_local_options(options) {
        if (options.contains('version')) {
            print(`Mockup Preview ${VERSION}`);
            return 0;
        }
        return -1;
    }

    vfunc_startup() {
        super.vfunc_startup();

        const css = new Gtk.CssProvider();
        css.load_from_path(GLib.build_filenamev([srcDir, 'style.css']));
        Gtk.StyleContext.add_provider_for_display(Gdk.Display.get_default(), css,
            Gtk.STYLE_PROVIDER_PRIORITY_APPLICATION);

        // light or dark, as the system prefers
        Adw.StyleManager.get_default().color_scheme = Adw.ColorScheme.DEFAULT;

        this._addActions();
    }

    vfunc_shutdown() {
        // no importer left running after the app (quitting closes no window)
        for (const window of this.get_windows())
            window.cancelImports?.();
        super.vfunc_shutdown();
    }

    vfunc_activate() {
        this._ensureWindow().present();
    }

    vfunc_command_line(commandLine) {
        const options = commandLine.get_options_dict();
        const templates = options.lookup_value('templates', null)?.unpack();
        const rest = options.lookup_value(GLib.OPTION_REMAINING, null)?.deepUnpack() ?? [];

        if (templates)
            this.templatesDir = commandLine.create_file_for_arg(templates).get_path();
        if (rest.length > 1) {
            commandLine.printerr('Give one artwork at most\n');
            return 2;
        }

        const hadWindow = this.active_window !== null;
        const window = this._ensureWindow();
        if (hadWindow && templates)
            window.loadTemplates(this.templatesDir);
        window.present();
        if (rest.length === 1) {
            const path = commandLine.create_file_for_arg(rest[0]).get_path();
            this.activate_action(isPhotoshopFile(path) ? 'import-psd' : 'open-artwork', new GLib.Variant('s', path));
        }
        return 0;
    }

    /** The window, made on first use. */
    get window() {
        return this._ensureWindow();
    }

    _ensureWindow() {
        let window = this.get_windows().find(w => w instanceof PreviewWindow) ?? null;
        if (!window) {
            window = new PreviewWindow({application: this});
            window.loadTemplates(this.templatesDir);
        }
        return window;
    }

    _addActions() {
        const add = (name, type, callback, state = null) => {
            const action = new Gio.SimpleAction({
                name,
                parameter_type: type ? new GLib.VariantType(type) : null,
                state,
            });
            action.connect('activate', (a, parameter) => callback(parameter?.unpack(), a));
            this.add_action(action);
            return action;
        };

        add('open-artwork', 's', path => {
            const window = this._ensureWindow();
            if (path)
                window.openArtwork(path);
            else
                window.chooseArtwork();
        });
        add('import-psd', 's', path => {
            const window = this._ensureWindow();
            if (path)
                window.importPhotoshopMockup(path);
            else
                window.choosePhotoshopMockups();
        });
        add('export-all', 's', folder => this._export(folder, null));
        add('export-selected', 's', folder => {
            const indices = this._ensureWindow().selectedIndices();
            if (indices)
                this._export(folder, indices);
        });

        const format = new Gio.SimpleAction({
            name: 'export-format',
            parameter_type: new GLib.VariantType('s'),
            state: new GLib.Variant('s', 'jpeg'),
        });
        format.connect('change-state', (action, value) => {
            if (value.unpack() in FORMATS)
                action.set_state(value);
        });
        this.add_action(format);

        add('new-template', 's', path => this.openEditor(path ? {photo: path} : {}));
        add('edit-template', 's', path => {
            const window = this._ensureWindow();
            const template = path || window.entries[window.selectedIndices()?.[0]]?.path;
            if (template)
                this.openEditor({template});
            else
                window.toast('Select a template to edit');
        });
        add('reload-templates', null, () => this._ensureWindow().loadTemplates(this.templatesDir));
        add('about', null, () => this._showAbout());
        add('shortcuts', null, () => this._showShortcuts());
        add('quit', null, () => this.quit());

        this.set_accels_for_action("app.open-artwork('')", ['<Control>o']);
        this.set_accels_for_action("app.import-psd('')", ['<Control>i']);
        this.set_accels_for_action("app.export-all('')", ['<Control>e']);
        this.set_accels_for_action("app.export-selected('')", ['<Control>s']);
        this.set_accels_for_action("app.new-template('')", ['<Control>n']);
        this.set_accels_for_action('app.reload-templates', ['<Control>r', 'F5']);
        this.set_accels_for_action('app.quit', ['<Control>q']);
        this.set_accels_for_action('window.close', ['<Control>w']);
        // (Escape, Page Up and Page Down: the window's, see window.js)
        this.set_accels_for_action('win.back', ['<Alt>Left']);
        this.set_accels_for_action('win.previous', ['<Alt>Up']);
        this.set_accels_for_action('win.next', ['<Alt>Down']);
        this.set_accels_for_action('win.toggle-options', ['F9']);
        this.set_accels_for_action('app.shortcuts', ['<Control>question']);
    }

    /**
     * Opens a template editor window, on a photo or a template. A template
     * it saves joins the main window's grid.
     *
     * @returns {EditorWindow}
     */
    openEditor({photo = null, template = null} = {}) {
        const main = this._ensureWindow();
        const editor = new EditorWindow({application: this, artwork: main.artwork});
        editor.connect('template-saved', (_e, path) => main.addEditedTemplate(path));
        editor.present();
        if (photo)
            editor.openPhoto(photo);
        else if (template)
            editor.openTemplate(template);
        return editor;
    }

    get exportFormat() {
        return this.lookup_action('export-format').state.unpack();
    }

    set exportFormat(name) {
        this.change_action_state('export-format', new GLib.Variant('s', name));
    }

    _export(folder, indices) {
        const window = this._ensureWindow();
        if (folder)
            window.exportMockups(folder, this.exportFormat, indices);
        else
            window.chooseExportFolder(indices, this.exportFormat, name => (this.exportFormat = name));
    }

    // The Keyboard Shortcuts window, made when asked for and destroyed
    // when closed. (Not a GtkApplicationWindow help overlay: one that
    // outlives its window, as JS objects do until collected, disconnects
    // from the freed window when it goes.)
    _showShortcuts() {
        const builder = Gtk.Builder.new_from_file(GLib.build_filenamev([srcDir, 'shortcuts.ui']));
        const shortcuts = builder.get_object('help_overlay');
        shortcuts.set({
            application: this,
            transient_for: this.active_window,
            hide_on_close: false,
        });
        shortcuts.present();
    }

    _showAbout() {
        const about = new Adw.AboutWindow({
            transient_for: this.active_window,
            modal: true,
            application_name: 'Mockup Preview',
            application_icon: 'image-x-generic',
            developer_name: 'The mockup-glib authors',
            version: VERSION,
            comments: 'See an artwork in every mockup template, and export the mockups.\n' +
                'A demonstration of mockup-glib’s GObject Introspection bindings.',
            license_type: Gtk.License.LGPL_2_1,
        });
        about.present();
    }
});
