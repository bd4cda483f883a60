//! `generated/CHANGELOG.md`: a header, then one `## <version>` section per spec change,
//! newest first. `cargo xtask gen` neither writes nor removes it (it only removes `.rs` files
//! under `src/` that start with the generated header).

/// The file's name in the generated crate's folder.
pub const FILE: &str = "CHANGELOG.md";

/// The start of a new file.
pub const HEADER: &str = "# Changelog of the `nexudus` crate\n\n\
What each change of `spec/` changed for code that uses this crate, newest first, with the \
version it implies. `cargo xtask changelog --write` maintains it: it adds a section per spec \
change, and replaces the newest one while its version is not released.\n";

/// `existing` (or a new file) with `section` (which starts with its `## <version>` heading)
/// first: in place of the newest section when that one has the same version (the spec
/// changed again before the release), else before it.
pub fn prepend(existing: Option<&str>, version: &str, section: &str) -> String {
    let section = format!("{}\n", section.trim_end());
    let Some(text) = existing else {
        return format!("{HEADER}\n{section}");
    };
    let Some(start) = section_start(text, 0) else {
        // No section yet: after what is there.
        let text = text.trim_end();
        return if text.is_empty() {
            format!("{HEADER}\n{section}")
        } else {
            format!("{text}\n\n{section}")
        };
    };
    let heading = text[start..].lines().next().unwrap_or_default();
    let same = heading
        .strip_prefix("## ")
        .and_then(|rest| rest.strip_prefix(version))
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '));
    let rest = if same {
        section_start(text, start + 1).map_or("", |next| &text[next..])
    } else {
        &text[start..]
    };
    if rest.is_empty() {
        format!("{}{section}", &text[..start])
    } else {
        format!("{}{section}\n{rest}", &text[..start])
    }
}

/// Where the first `## ` heading at or after `from` starts (at the start of a line).
fn section_start(text: &str, from: usize) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if offset >= from && line.starts_with("## ") {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepends_sections_newest_first_and_replaces_an_unreleased_one() {
        let first = prepend(None, "0.2.0", "## 0.2.0\n\nOne.\n");
        assert_eq!(first, format!("{HEADER}\n## 0.2.0\n\nOne.\n"));
        assert!(first.contains("`cargo xtask changelog --write` maintains it"));

        // The spec changed again before 0.2.0 was released: its section is replaced.
        let again = prepend(Some(&first), "0.2.0", "## 0.2.0\n\nOne and two.\n");
        assert_eq!(again, format!("{HEADER}\n## 0.2.0\n\nOne and two.\n"));

        let next = prepend(Some(&again), "0.2.1", "## 0.2.1\n\nThree.\n");
        assert_eq!(
            next,
            format!("{HEADER}\n## 0.2.1\n\nThree.\n\n## 0.2.0\n\nOne and two.\n")
        );
        // A version that only starts like the newest one's is another version.
        let other = prepend(Some(&next), "0.2.10", "## 0.2.10\n\nFour.\n");
        assert!(
            other.contains("## 0.2.10\n\nFour.\n\n## 0.2.1\n\nThree.\n"),
            "{other}"
        );
        // Replacing the newest keeps the older ones.
        let replaced = prepend(Some(&next), "0.2.1", "## 0.2.1\n\nThree again.\n");
        assert_eq!(
            replaced,
            format!("{HEADER}\n## 0.2.1\n\nThree again.\n\n## 0.2.0\n\nOne and two.\n")
        );
    }

    #[test]
    fn keeps_a_hand_written_file_without_sections() {
        let text = prepend(Some("# Changes\n\nBy hand.\n"), "0.1.1", "## 0.1.1\n\nA.\n");
        assert_eq!(text, "# Changes\n\nBy hand.\n\n## 0.1.1\n\nA.\n");
        let empty = prepend(Some(""), "0.1.1", "## 0.1.1\n\nA.\n");
        assert_eq!(empty, format!("{HEADER}\n## 0.1.1\n\nA.\n"));
    }
}
