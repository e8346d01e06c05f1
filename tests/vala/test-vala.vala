/* test-vala.vala: mockup-glib from Vala, through the generated VAPI
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

static string dir;

static void write_png (string path, int width, int height, uint32 rgba) {
    var pixbuf = new Gdk.Pixbuf (Gdk.Colorspace.RGB, true, 8, width, height);
    pixbuf.fill (rgba);
    try {
        pixbuf.save (path, "png");
    } catch (Error e) {
        error ("%s", e.message);
    }
}

static void test_render () {
    try {
        var manifest = """{"format": 1, "size": [120, 80], "layers": [
            {"type": "color", "color": "#000000"},
            {"type": "artwork", "fit": "stretch", "quad": [[20, 10], [100, 10], [100, 70], [20, 70]]}]}""";
        var template = new Mockup.Template.from_data ((uint8[]) manifest.data, dir);
        assert (template.width == 120);
        assert (template.id == "template");

        var artwork = new Mockup.Artwork.from_file (Path.build_filename (dir, "art.png"));
        var renderer = new Mockup.Renderer ();
        renderer.format = Mockup.Format.PNG;
        renderer.max_size = 60;
        var result = renderer.render (artwork, template, null);
        assert (result.width == 60 && result.height == 40);
        assert (result.get_error () == null);
        var pixbuf = result.get_pixbuf ();
        unowned uint8[] pixels = pixbuf.get_pixels_with_length ();
        var offset = 20 * pixbuf.rowstride + 30 * pixbuf.n_channels;
        assert (pixels[offset] == 0xff && pixels[offset + 1] == 0x80);
    } catch (Error e) {
        error ("%s", e.message);
    }
}

static void test_errors () {
    try {
        new Mockup.Template.from_data ((uint8[]) "{\"format\": 1, \"layers\": [".data, dir);
        assert_not_reached ();
    } catch (Mockup.Error e) {
        assert (e is Mockup.Error.INVALID_TEMPLATE);
        assert ("malformed JSON" in e.message);
    } catch (Error e) {
        error ("wrong domain: %s", e.message);
    }
}

static async void run_batch (MainLoop loop) {
    try {
        var store = new ListStore (typeof (Object));
        var manifest = """{"format": 1, "size": [50, 50], "layers": [
            {"type": "artwork", "quad": [[0, 0], [50, 0], [50, 50], [0, 50]]}]}""";
        for (var i = 0; i < 3; i++)
            store.append (new Mockup.Template.from_data ((uint8[]) manifest.data, dir));
        var renderer = new Mockup.Renderer ();
        var batch = yield renderer.render_batch_async (
            new Mockup.Artwork.from_file (Path.build_filename (dir, "art.png")), store, null, null);
        uint expected = 0;
        Mockup.Result? result;
        while ((result = yield batch.next_async (null)) != null) {
            assert (result.index == expected++);
            assert (result.get_bytes ().length > 0);
        }
        assert (expected == 3);
    } catch (Error e) {
        error ("%s", e.message);
    }
    loop.quit ();
}

static void test_batch () {
    var loop = new MainLoop ();
    run_batch.begin (loop);
    loop.run ();
}

int main (string[] args) {
    Test.init (ref args);
    try {
        dir = DirUtils.make_tmp ("mockup-vala-XXXXXX");
    } catch (Error e) {
        error ("%s", e.message);
    }
    write_png (Path.build_filename (dir, "art.png"), 40, 40, (uint32) 0xff8000ffU);

    Test.add_func ("/vala/render", test_render);
    Test.add_func ("/vala/errors", test_errors);
    Test.add_func ("/vala/batch", test_batch);
    return Test.run ();
}
