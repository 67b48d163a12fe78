//! The filter texts of a fleet. A whole fleet's are written by its load into one buffer per
//! part (a million strings of their own were a million allocations, queued on the
//! allocator's one lock while every core judged); a tenant judged again later gets its own.

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
                let written = &self.bulk[*part as usize];
                let index = *index as usize;
                let start = index
                    .checked_sub(1)
                    .map_or(0, |before| written.ends[before]);
                &written.text[start..written.ends[index]]
            }
            Text::Own(text) => text,
        }
    }

    /// A tenant with no text yet (just added, or its data just replaced).
    pub(super) fn push_empty(&mut self) {
        self.texts.push(Text::Own(Box::default()));
    }

    pub(super) fn set(&mut self, i: usize, text: Box<str>) {
        self.texts[i] = Text::Own(text);
    }

    /// Takes a tenant's text, leaving it empty: its data is about to be replaced.
    pub(super) fn take(&mut self, i: usize) -> Box<str> {
        let text = Box::from(self.get(i));
        self.texts[i] = Text::Own(Box::default());
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
        hay.set(2, "new".into());
        hay.push_empty();
        let all: Vec<&str> = (0..5).map(|i| hay.get(i)).collect();
        assert_eq!(all, ["a b", "", "new", "dd", ""]);
    }
}
