//! The filter texts of a fleet. A whole fleet's are written by its load into one buffer per
//! part (a million strings of their own were a million allocations, queued on the
//! allocator's one lock while every core judged). A text written again at its length (new
//! data, same names and flags: most of an idle screen's changes) takes its old place; one of
//! another length gets a string of its own, until the next whole fleet.

/// Filter texts, one per tenant, in fleet order.
#[derive(Debug, Default)]
pub(super) struct Haystacks {
    /// What a load wrote: each part's texts end to end, and where each ends.
    bulk: Vec<Written>,
    texts: Vec<Text>,
}

/// The texts of one part of a load, end to end.
#[derive(Debug, Default)]
pub(super) struct Written {
    text: String,
    ends: Vec<usize>,
}

impl Written {
    pub(super) fn with_capacity(tenants: usize) -> Self {
        Self {
            // A filter text is about 150 bytes: one allocation for most parts.
            text: String::with_capacity(tenants * 160),
            ends: Vec::with_capacity(tenants),
        }
    }

    /// Appends one text, written by `write` into the part's buffer.
    pub(super) fn push(&mut self, write: impl FnOnce(&mut String)) {
        write(&mut self.text);
        self.ends.push(self.text.len());
    }
}

#[derive(Debug)]
enum Text {
    /// The `index`th text of `bulk[part]`.
    Written {
        part: u32,
        index: u32,
    },
    /// Taken (its tenant's data is being replaced); the place is kept for the next text.
    Cleared {
        part: u32,
        index: u32,
    },
    Own(Box<str>),
}

impl Haystacks {
    /// The texts of a load, its parts in fleet order.
    pub(super) fn from_parts(parts: Vec<Written>) -> Self {
        let mut texts = Vec::with_capacity(parts.iter().map(|p| p.ends.len()).sum());
        for (part, written) in parts.iter().enumerate() {
            texts.extend((0..written.ends.len()).map(|index| Text::Written {
                part: part as u32,
                index: index as u32,
            }));
        }
        Self { bulk: parts, texts }
    }

    pub(super) fn get(&self, i: usize) -> &str {
        match &self.texts[i] {
            Text::Written { part, index } => {
                &self.bulk[*part as usize].text[self.place(*part, *index)]
            }
            Text::Cleared { .. } => "",
            Text::Own(text) => text,
        }
    }

    fn place(&self, part: u32, index: u32) -> std::ops::Range<usize> {
        let ends = &self.bulk[part as usize].ends;
        let index = index as usize;
        index.checked_sub(1).map_or(0, |before| ends[before])..ends[index]
    }

    /// A tenant with no text yet (just added, or its data just replaced).
    pub(super) fn push_empty(&mut self) {
        self.texts.push(Text::Own(Box::default()));
    }

    pub(super) fn set(&mut self, i: usize, text: &str) {
        if let Text::Written { part, index } | Text::Cleared { part, index } = self.texts[i] {
            let place = self.place(part, index);
            if place.len() == text.len() {
                self.bulk[part as usize].text.replace_range(place, text);
                self.texts[i] = Text::Written { part, index };
                return;
            }
        }
        self.texts[i] = Text::Own(Box::from(text));
    }

    /// Takes a tenant's text, leaving it empty: its data is about to be replaced.
    pub(super) fn take(&mut self, i: usize) -> Box<str> {
        let text = Box::from(self.get(i));
        self.texts[i] = match self.texts[i] {
            Text::Written { part, index } | Text::Cleared { part, index } => {
                Text::Cleared { part, index }
            }
            Text::Own(_) => Text::Own(Box::default()),
        };
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(texts: &[&str]) -> Written {
        let mut written = Written::with_capacity(texts.len());
        for text in texts {
            written.push(|s| s.push_str(text));
        }
        written
    }

    #[test]
    fn texts_come_back_in_order_across_parts_and_after_changes() {
        let mut hay = Haystacks::from_parts(vec![written(&["a b", "", "c"]), written(&["dd"])]);
        let all: Vec<&str> = (0..4).map(|i| hay.get(i)).collect();
        assert_eq!(all, ["a b", "", "c", "dd"]);
        assert_eq!(&*hay.take(2), "c");
        assert_eq!(hay.get(2), "");
        hay.set(2, "new");
        hay.push_empty();
        let all: Vec<&str> = (0..5).map(|i| hay.get(i)).collect();
        assert_eq!(all, ["a b", "", "new", "dd", ""]);
    }

    #[test]
    fn a_text_of_the_same_length_takes_its_old_place() {
        let mut hay = Haystacks::from_parts(vec![written(&["abc", "de"])]);
        hay.take(0);
        hay.set(0, "xyz");
        hay.set(1, "fg");
        assert!(matches!(hay.texts[0], Text::Written { .. }));
        assert!(matches!(hay.texts[1], Text::Written { .. }));
        hay.set(1, "longer");
        assert!(matches!(hay.texts[1], Text::Own(_)));
        let all: Vec<&str> = (0..2).map(|i| hay.get(i)).collect();
        assert_eq!(all, ["xyz", "longer"]);
        assert_eq!(
            hay.bulk[0].text, "xyzfg",
            "the place was written over, not grown"
        );
    }
}
