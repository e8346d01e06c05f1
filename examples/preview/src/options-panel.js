// options-panel.js: a template's render-time choices, for the large view.
//
// The panel reads the template's parameters through the library's public
// API (Mockup.Template.dup_parameter_names(), Mockup.Parameter) and its
// slots (Mockup.Template.dup_slots()), and offers one row each:
//
// - a colour: a Gtk.ColorButton, and a swatch a named choice under it;
// - a text: an Adw.EntryRow (rendered after a pause in typing, or Enter);
// - a number: a Gtk.SpinButton within the parameter's range;
// - a boolean: a Gtk.Switch;
// - a slot: an Adw.ExpanderRow whose switch places the artwork by hand
//   (left, top and width as fractions of the print area, and degrees);
//   switched off, the slot's fit comes back.
//
// What the user chose is kept as plain choices, {parameters: {name:
// value}, placement: {slot: [left, top, width, degrees]}}, holding only
// what differs from the template; toRenderOptions() makes a
// Mockup.RenderOptions of them. Every change emits ::changed.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import Adw from 'gi://Adw?version=1';
import Gdk from 'gi://Gdk?version=4.0';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Graphene from 'gi://Graphene';
import Gsk from 'gi://Gsk?version=4.0';
import Gtk from 'gi://Gtk?version=4.0';
import Mockup from 'gi://Mockup?version=1';

/** How long typing may pause before a text is rendered, in ms. */
const TEXT_DELAY_MS = 300;

/** Where a slot's artwork goes when it is first placed by hand. */
const DEFAULT_PLACEMENT = [0.25, 0.1, 0.5, 0];

/** No choices: the template's defaults. */
export function emptyChoices() {
    return {parameters: {}, placement: {}};
}

/** Whether choices hold anything. */
export function hasChoices(choices) {
    return !!choices && (Object.keys(choices.parameters).length > 0 ||
        Object.keys(choices.placement).length > 0);
}

/** A Mockup.RenderOptions carrying choices, or null when there are none. */
export function toRenderOptions(choices) {
    if (!hasChoices(choices))
        return null;
    const options = Mockup.RenderOptions.new();
    for (const [name, value] of Object.entries(choices.parameters))
        options.set_parameter(name, value);
    for (const [slot, [left, top, width, degrees]] of Object.entries(choices.placement))
        options.set_placement(slot, left, top, width, degrees);
    return options;
}

/** The parameters of a template that loaded, else none. */
function parametersOf(template) {
    if (!(template instanceof Mockup.Template))
        return [];
    return template.dup_parameter_names().map(name => template.get_parameter(name));
}

function slotsOf(template) {
    return template instanceof Mockup.Template ? template.dup_slots() : [];
}

function rgbaOf(hex) {
    const rgba = new Gdk.RGBA();
    rgba.parse(hex);
    return rgba;
}

function hexOf(rgba) {
    const byte = v => Math.round(Math.min(1, Math.max(0, v)) * 255).toString(16).padStart(2, '0');
    return `#${byte(rgba.red)}${byte(rgba.green)}${byte(rgba.blue)}`;
}

// "#abc" as "#aabbcc", lower-case; null for anything else
function normalHex(value) {
    let m = /^#([0-9a-f]{6})$/i.exec(value);
    if (m)
        return `#${m[1].toLowerCase()}`;
    m = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(value);
    return m ? `#${m[1]}${m[1]}${m[2]}${m[2]}${m[3]}${m[3]}`.toLowerCase() : null;
}

// "heather-grey" → "Heather grey"
function choiceTitle(name) {
    const words = name.replace(/[-_]+/g, ' ');
    return words.charAt(0).toUpperCase() + words.slice(1);
}

function formatNumber(value) {
    return String(Number(value.toFixed(6)));
}

// A round swatch of a colour. Drawn in vfunc_snapshot() rather than by a
// Gtk.DrawingArea's draw function: GJS may collect that function's closure
// before the area is drawn for the last time.
const ColorDot = GObject.registerClass({
    GTypeName: 'MockupColorDot',
    Properties: {
        'color': GObject.ParamSpec.string('color', 'Color', 'The colour, #rrggbb',
            GObject.ParamFlags.READWRITE | GObject.ParamFlags.CONSTRUCT_ONLY, '#000000'),
    },
}, class ColorDot extends Gtk.Widget {
    vfunc_measure(_orientation, _forSize) {
        return [24, 24, -1, -1];
    }

    vfunc_snapshot(snapshot) {
        const size = Math.min(this.get_width(), this.get_height());
        const rect = new Graphene.Rect();
        rect.init((this.get_width() - size) / 2, (this.get_height() - size) / 2, size, size);
        const rounded = new Gsk.RoundedRect();
        rounded.init_from_rect(rect, size / 2);
        snapshot.push_rounded_clip(rounded);
        snapshot.append_color(rgbaOf(this.color), rect);
        snapshot.pop();
        // a thin ring, so that white shows on white
        const ring = new Gdk.RGBA({red: 0.5, green: 0.5, blue: 0.5, alpha: 0.6});
        snapshot.append_border(rounded, [1, 1, 1, 1], [ring, ring, ring, ring]);
    }
});

export const OptionsPanel = GObject.registerClass({
    GTypeName: 'MockupOptionsPanel',
    Signals: {
        // the choices changed: render again
        'changed': {},
    },
}, class OptionsPanel extends Gtk.Box {
    constructor(params = {}) {
        super({orientation: Gtk.Orientation.VERTICAL, spacing: 18,
            margin_top: 18, margin_bottom: 18, margin_start: 12, margin_end: 12, ...params});
        this._template = null;
        this._choices = emptyChoices();
        this._groups = [];
        // parameter name or slot -> {sync()} that shows the current value
        this._rows = new Map();
        this._syncing = false;
        this._textTimeouts = new Map();

        this._status = new Adw.StatusPage({
            icon_name: 'emblem-system-symbolic',
            title: 'No Options',
            description: 'This template has no parameters or slots to choose',
            vexpand: true,
        });
        this._status.add_css_class('compact');
        this.append(this._status);

        this._resetButton = new Gtk.Button({label: '_Reset to Defaults', use_underline: true,
            halign: Gtk.Align.CENTER, tooltip_text: 'Use the Template’s Own Values'});
        this._resetButton.add_css_class('pill');
        this._resetButton.connect('clicked', () => this.reset());
        this.append(this._resetButton);
        this._syncReset();
        // (no ::destroy handler: one would run while GJS collects the
        // window, which it refuses; the window calls cancelPending())
    }

    /** Drops a text waiting to be rendered: for a window that closes. */
    cancelPending() {
        this._cancelTexts();
    }

    /** The template shown, or null. */
    get template() {
        return this._template;
    }

    /** The current choices (a copy): what differs from the template. */
    get choices() {
        return {
            parameters: {...this._choices.parameters},
            placement: Object.fromEntries(Object.entries(this._choices.placement).map(([k, v]) => [k, [...v]])),
        };
    }

    /** The rows, by parameter name or slot name (for tests and scripts). */
    get rows() {
        return this._rows;
    }

    /**
     * Shows a template's options with the choices made for it.
     *
     * @param {Mockup.Template|null} template - null (or a template that
     *   did not load) shows that there is nothing to choose
     * @param {object} [choices] - as the choices getter gives them
     */
    setTemplate(template, choices = emptyChoices()) {
        this._cancelTexts();
        for (const group of this._groups)
            this.remove(group);
        this._groups = [];
        this._rows.clear();
        this._template = template instanceof Mockup.Template ? template : null;
        this._choices = {
            parameters: {...choices.parameters},
            placement: Object.fromEntries(Object.entries(choices.placement).map(([k, v]) => [k, [...v]])),
        };

        const parameters = parametersOf(this._template);
        if (parameters.length > 0) {
            const group = new Adw.PreferencesGroup({title: 'Parameters',
                description: 'The template’s choices at render time'});
            for (const parameter of parameters)
                this._addParameter(group, parameter);
            this._addGroup(group);
        }
        const slots = slotsOf(this._template);
        if (slots.length > 0) {
            const group = new Adw.PreferencesGroup({title: 'Placement',
                description: 'Switched off, the artwork fills its print area as the template fits it'});
            for (const slot of slots)
                this._addSlot(group, slot);
            this._addGroup(group);
        }
        this._status.visible = this._groups.length === 0;
        this._resetButton.visible = this._groups.length > 0;
        this._syncAll();
    }

    /** Back to the template's defaults. */
    reset() {
        this._cancelTexts();
        if (!hasChoices(this._choices))
            return;
        this._choices = emptyChoices();
        this._syncAll();
        this.emit('changed');
    }

    /**
     * Sets a parameter's value as the library takes it (a colour's hex or
     * choice name, a text, a number or 'true'/'false'); null or the
     * default forgets the choice.
     */
    setParameter(name, value) {
        const parameter = this._template?.get_parameter(name);
        if (!parameter)
            throw new Error(`the template has no parameter ${name}`);
        if (value === null || value === parameter.default_value)
            delete this._choices.parameters[name];
        else
            this._choices.parameters[name] = String(value);
        this._rows.get(name)?.sync();
        this._syncReset();
        this.emit('changed');
    }

    /** A parameter's current value: the choice, else the default. */
    valueOf(name) {
        return this._choices.parameters[name] ?? this._template?.get_parameter(name)?.default_value ?? null;
    }

    /** Places a slot's artwork by hand, or (null) fits it again. */
    setPlacement(slot, placement) {
        if (placement)
            this._choices.placement[slot] = [...placement, 0].slice(0, 4);
        else
            delete this._choices.placement[slot];
        this._rows.get(slot)?.sync();
        this._syncReset();
        this.emit('changed');
    }

    _addGroup(group) {
        this.insert_child_after(group, this._groups[this._groups.length - 1] ?? this._status);
        this._groups.push(group);
    }

    _syncAll() {
        this._syncing = true;
        try {
            for (const row of this._rows.values())
                row.sync();
        } finally {
            this._syncing = false;
        }
        this._syncReset();
    }

    _syncReset() {
        this._resetButton.sensitive = hasChoices(this._choices);
    }

    _cancelTexts() {
        for (const id of this._textTimeouts.values())
            GLib.source_remove(id);
        this._textTimeouts.clear();
    }

    // a widget's change, unless the panel itself is showing a value
    _set(name, value) {
        if (!this._syncing)
            this.setParameter(name, value);
    }

    _addParameter(group, parameter) {
        const name = parameter.name;
        const title = parameter.label || choiceTitle(name);
        switch (parameter.parameter_type) {
        case Mockup.ParameterType.COLOR:
            this._addColor(group, parameter, title);
            break;
        case Mockup.ParameterType.TEXT:
            this._addText(group, parameter, title);
            break;
        case Mockup.ParameterType.NUMBER:
            this._addNumber(group, parameter, title);
            break;
        case Mockup.ParameterType.BOOLEAN:
            this._addBoolean(group, parameter, title);
            break;
        }
    }

    // A colour: its row with a colour picker, and one swatch a named
    // choice, in a row of toggle buttons under it.
    _addColor(group, parameter, title) {
        const name = parameter.name;
        const choices = parameter.dup_choice_names();
        const hexFor = value => normalHex(value) ?? normalHex(parameter.get_choice_value(value) ?? '') ?? '#000000';

        const row = new Adw.ActionRow({title});
        const button = new Gtk.ColorButton({valign: Gtk.Align.CENTER, title, use_alpha: false});
        button.update_property([Gtk.AccessibleProperty.LABEL], [`${title}: Custom Colour`]);
        button.tooltip_text = 'Any Colour';
        button.connect('color-set', () => this._set(name, hexOf(button.get_rgba())));
        row.add_suffix(button);
        row.activatable_widget = button;
        group.add(row);

        const swatches = new Map();
        if (choices.length > 0) {
            const box = new Gtk.FlowBox({selection_mode: Gtk.SelectionMode.NONE,
                column_spacing: 6, row_spacing: 6, max_children_per_line: 12,
                margin_top: 9, margin_bottom: 9, margin_start: 9, margin_end: 9});
            let first = null;
            for (const choice of choices) {
                const hex = hexFor(choice);
                const swatch = new Gtk.ToggleButton({child: new ColorDot({color: hex}), tooltip_text: choiceTitle(choice),
                    valign: Gtk.Align.CENTER, halign: Gtk.Align.CENTER});
                swatch.add_css_class('flat');
                swatch.add_css_class('circular');
                swatch.add_css_class('color-swatch');
                swatch.update_property([Gtk.AccessibleProperty.LABEL], [`${title}: ${choiceTitle(choice)}`]);
                if (first)
                    swatch.set_group(first);
                else
                    first = swatch;
                swatch.connect('toggled', () => {
                    if (swatch.active)
                        this._set(name, choice);
                });
                swatches.set(choice, swatch);
                box.append(swatch);
                // Tab goes from swatch to swatch, not through their cells too
                swatch.get_parent().focusable = false;
            }
            const swatchRow = new Gtk.ListBoxRow({activatable: false, selectable: false, child: box});
            swatchRow.update_property([Gtk.AccessibleProperty.LABEL], [`${title}: Choices`]);
            group.add(swatchRow);
        }

        this._rows.set(name, {
            row, button, swatches,
            sync: () => {
                const value = this.valueOf(name);
                const hex = hexFor(value);
                const chosen = choices.includes(value) ? value
                    : choices.find(c => hexFor(c) === hex) ?? null;
                const wasSyncing = this._syncing;
                this._syncing = true;
                try {
                    button.set_rgba(rgbaOf(hex));
                    for (const [choice, swatch] of swatches)
                        swatch.active = choice === chosen;
                } finally {
                    this._syncing = wasSyncing;
                }
                row.subtitle = chosen ? `${choiceTitle(chosen)} (${hex})` : hex;
            },
        });
    }

    // A text: rendered once typing pauses, or at once on Enter.
    _addText(group, parameter, title) {
        const name = parameter.name;
        const row = new Adw.EntryRow({title});
        const maxLength = parameter.max_length;
        const commit = () => {
            const id = this._textTimeouts.get(name);
            if (id) {
                GLib.source_remove(id);
                this._textTimeouts.delete(name);
            }
            let text = row.text;
            // longer than the template takes: cut, rather than fail the render
            if (maxLength > 0 && [...text].length > maxLength)
                text = [...text].slice(0, maxLength).join('');
            if (text !== this.valueOf(name))
                this.setParameter(name, text);
        };
        row.connect('changed', () => {
            if (this._syncing)
                return;
            const old = this._textTimeouts.get(name);
            if (old)
                GLib.source_remove(old);
            this._textTimeouts.set(name, GLib.timeout_add(GLib.PRIORITY_DEFAULT, TEXT_DELAY_MS, () => {
                this._textTimeouts.delete(name);
                commit();
                return GLib.SOURCE_REMOVE;
            }));
        });
        row.connect('entry-activated', commit);
        group.add(row);
        this._rows.set(name, {
            row,
            commit,
            sync: () => {
                const value = this.valueOf(name) ?? '';
                if (row.text !== value) {
                    const wasSyncing = this._syncing;
                    this._syncing = true;
                    row.text = value;
                    this._syncing = wasSyncing;
                }
            },
        });
    }

    _addNumber(group, parameter, title) {
        const name = parameter.name;
        const finite = v => Number.isFinite(v);
        const lower = finite(parameter.minimum) ? parameter.minimum : -1e6;
        const upper = finite(parameter.maximum) ? parameter.maximum : 1e6;
        const span = upper - lower;
        const step = span <= 2 ? 0.01 : span <= 20 ? 0.1 : 1;
        const spin = new Gtk.SpinButton({
            adjustment: new Gtk.Adjustment({lower, upper, step_increment: step, page_increment: step * 10}),
            digits: step < 0.1 ? 2 : step < 1 ? 1 : 0, valign: Gtk.Align.CENTER, numeric: true,
        });
        spin.update_property([Gtk.AccessibleProperty.LABEL], [title]);
        spin.connect('value-changed', () => this._set(name, formatNumber(spin.value)));
        const row = new Adw.ActionRow({title, activatable_widget: spin});
        row.add_suffix(spin);
        group.add(row);
        this._rows.set(name, {
            row, spin,
            sync: () => {
                const wasSyncing = this._syncing;
                this._syncing = true;
                spin.value = Number(this.valueOf(name));
                this._syncing = wasSyncing;
            },
        });
    }

    _addBoolean(group, parameter, title) {
        const name = parameter.name;
        const toggle = new Gtk.Switch({valign: Gtk.Align.CENTER});
        toggle.connect('notify::active', () => this._set(name, toggle.active ? 'true' : 'false'));
        const row = new Adw.ActionRow({title, activatable_widget: toggle});
        row.add_suffix(toggle);
        group.add(row);
        this._rows.set(name, {
            row, toggle,
            sync: () => {
                const wasSyncing = this._syncing;
                this._syncing = true;
                toggle.active = this.valueOf(name) === 'true';
                this._syncing = wasSyncing;
            },
        });
    }

    // A slot: fitted (the switch off) or placed by hand (on), with left,
    // top, width and degrees.
    _addSlot(group, slot) {
        const expander = new Adw.ExpanderRow({
            title: `Place “${slot}” by Hand`,
            show_enable_switch: true,
            enable_expansion: false,
        });
        const fields = [
            ['Left', 'Of the print area’s width', -1, 2, 0.01, 2],
            ['Top', 'Of the print area’s height', -1, 2, 0.01, 2],
            ['Width', 'Of the print area’s width; the height follows the artwork', 0.01, 4, 0.01, 2],
            ['Rotation', 'Degrees, clockwise', -180, 180, 1, 0],
        ];
        const spins = fields.map(([title, subtitle, lower, upper, step, digits]) => {
            const spin = new Gtk.SpinButton({
                adjustment: new Gtk.Adjustment({lower, upper, step_increment: step, page_increment: step * 10}),
                digits, valign: Gtk.Align.CENTER, numeric: true,
            });
            spin.update_property([Gtk.AccessibleProperty.LABEL], [`${slot}: ${title}`]);
            const row = new Adw.ActionRow({title, subtitle, activatable_widget: spin});
            row.add_suffix(spin);
            expander.add_row(row);
            spin.connect('value-changed', () => {
                if (!this._syncing && expander.enable_expansion)
                    this.setPlacement(slot, spins.map(s => s.value));
            });
            return spin;
        });
        expander.connect('notify::enable-expansion', () => {
            if (this._syncing)
                return;
            if (expander.enable_expansion) {
                this.setPlacement(slot, spins.map(s => s.value));
                expander.expanded = true;
            } else {
                this.setPlacement(slot, null);
            }
        });
        group.add(expander);
        this._rows.set(slot, {
            row: expander, spins,
            sync: () => {
                const placement = this._choices.placement[slot];
                const wasSyncing = this._syncing;
                this._syncing = true;
                try {
                    expander.enable_expansion = !!placement;
                    (placement ?? DEFAULT_PLACEMENT).forEach((v, i) => (spins[i].value = v));
                } finally {
                    this._syncing = wasSyncing;
                }
                expander.subtitle = placement
                    ? `Left ${Math.round(placement[0] * 100)} %, top ${Math.round(placement[1] * 100)} %, ` +
                      `width ${Math.round(placement[2] * 100)} %` + (placement[3] ? `, ${formatNumber(placement[3])}°` : '')
                    : 'Fitted to the print area';
            },
        });
    }
});
