//! The README's pictures are made by gradviz itself and committed; this
//! test fails when they are out of date. `GRADVIZ_UPDATE_IMAGES=1 cargo test
//! --test readme_images` rewrites them.

mod common;
use common::{ok, path};

const IMAGES: [(&str, &[&str]); 3] = [
    (
        "docs/images/micrograd_readme.svg",
        &[
            "render",
            "fixtures/micrograd_readme.py",
            "-f",
            "svg",
            "--color",
            "--rankdir",
            "TB",
        ],
    ),
    (
        "docs/images/lecture_neuron.svg",
        &[
            "render",
            "fixtures/lecture_neuron.py",
            "-f",
            "svg",
            "--rankdir",
            "TB",
        ],
    ),
    (
        "docs/images/lecture_neuron_chain_rule.svg",
        &[
            "render",
            "fixtures/lecture_neuron.py",
            "-f",
            "svg",
            "--chain-rule",
            "--color",
            "--rankdir",
            "TB",
        ],
    ),
];

#[test]
fn readme_images_are_up_to_date() {
    let update = std::env::var("GRADVIZ_UPDATE_IMAGES").is_ok_and(|v| v == "1");
    for (file, args) in IMAGES {
        let fresh = ok(args);
        let target = path(file);
        if update {
            std::fs::write(&target, &fresh).unwrap();
            continue;
        }
        let committed = std::fs::read_to_string(&target).unwrap_or_else(|e| {
            panic!("{file}: {e}; run GRADVIZ_UPDATE_IMAGES=1 cargo test --test readme_images")
        });
        assert!(
            committed == fresh,
            "{file} is out of date: run GRADVIZ_UPDATE_IMAGES=1 cargo test --test readme_images"
        );
        assert!(
            std::fs::read_to_string(path("README.md"))
                .unwrap()
                .contains(file),
            "the README shows {file}"
        );
    }
}
