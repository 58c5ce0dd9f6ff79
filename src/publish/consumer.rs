//! The publisher as what `check` hands each checked file to: a published article is
//! prepared and written as soon as its rules have run, from the body parsed for them.

use crate::check::Consumer;
use crate::content::front::Head;
use crate::content::markdown::Body;
use crate::content::{Article, Disclaimers};
use crate::publish::{Publisher, related};

impl Consumer for Publisher<'_> {
    fn heads(&mut self, heads: Vec<Head>) {
        self.pages.titles = related::from_heads(heads);
    }

    fn checked(&self, article: &Article, body: &Body, disclaimers: &Disclaimers) {
        self.article(article, body, disclaimers);
    }
}
