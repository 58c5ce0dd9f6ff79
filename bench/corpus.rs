//! The project's own corpus generator: realistic health articles for the benchmarks,
//! the performance guard and the tests, with defects injected at known lines.
//!
//! `cargo run --release --example gen_corpus -- OUT --articles N [--seed S] [--defects K]`
//! writes `OUT/healthpress.toml`, `OUT/content/` and `OUT/defects.json`. The tests use
//! this file through `#[path = "../bench/corpus.rs"]`. It uses only the standard
//! library and is deterministic for given options.
//!
//! Without defects, every article passes every rule: it has the front matter the
//! schema asks for, review dates neither due nor overdue on [`TODAY`], reviewers and
//! sources, the disclaimers and callouts the policy requires (a CONSULT callout that
//! names a clinician, an URGENT one in pregnancy articles), links to other articles
//! (in the body and in `related`), sometimes an image with alt text, a table, a
//! numbered list or a footnote, and plain prose that keeps under the reading grade.
//! So each rule has real work to do on each article.
//!
//! With `defects: K`, K articles each get one defect, cycling through [`KINDS`]; each
//! is listed with the file, rule and line at which `healthpress check` must report
//! it (a duplicate id is listed on both files). Articles that receive defects are
//! never the target of a link, so a renamed id breaks nothing else.

// Tooling and test helpers may unwrap: a panic here is a failed run, not a user's crash.
#![allow(clippy::unwrap_used)]
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::Path;

/// The date the generated review dates are chosen around: pass it as `--today`.
pub(crate) const TODAY: &str = "2026-11-25";

/// Options of one corpus.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub articles: usize,
    pub seed: u64,
    /// How many articles get one injected defect each (at most one in two articles).
    pub defects: usize,
    /// Write `require_sign_off = true` (then run `healthpress sign-off content`).
    pub require_sign_off: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            articles: 1000,
            seed: 1,
            defects: 0,
            require_sign_off: true,
        }
    }
}

/// One injected defect: where `healthpress check` must report it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Defect {
    /// Relative to the corpus root, with `/`.
    pub file: String,
    pub line: usize,
    pub rule: &'static str,
}

/// The defects injected, in turn: each is the rule that must report it.
pub(crate) const KINDS: &[&str] = &[
    "missing-disclaimer",
    "missing-consult-note",
    "dangling-media-reference",
    "empty-section",
    "placeholder-text",
    "review-overdue",
    "broken-link",
    "duplicate-id",
    "consult-note-without-clinician",
    "missing-urgent-help",
    "review-due-soon",
    "review-interval",
    "missing-alt-text",
    "raw-html",
    "absolute-claim",
    "unbalanced-brackets",
    "emergency-number",
    "unsafe-link",
    "unknown-topic",
    "unknown-disclaimer",
    "schema",
    "unknown-callout",
    "invalid-suppression",
    "unused-suppression",
    "front-matter",
];

const TOPICS: &[(&str, &str)] = &[
    ("pregnancy", "Pregnancy"),
    ("musculoskeletal", "Bones, joints and muscles"),
    ("exercise", "Exercise and activity"),
    ("nutrition", "Food and nutrition"),
    ("mental-health", "Mental health"),
    ("sleep", "Sleep"),
    ("medication", "Medicines"),
    ("child-health", "Children's health"),
];

/// Per topic: things people have, where or when, and the clinicians who fit.
const SUBJECTS: &[(&[&str], &[&str], &[&str])] = &[
    (
        &[
            "back pain",
            "pelvic pain",
            "heartburn",
            "swollen ankles",
            "leg cramps",
            "tiredness",
            "headaches",
            "rib pain",
            "sleep problems",
            "morning sickness",
        ],
        &[
            "in pregnancy",
            "in early pregnancy",
            "in late pregnancy",
            "after birth",
        ],
        &["midwife", "GP", "obstetrician"],
    ),
    (
        &[
            "lower back pain",
            "neck pain",
            "knee pain",
            "shoulder pain",
            "hip pain",
            "stiff joints",
            "ankle sprains",
            "heel pain",
        ],
        &["at work", "in older adults", "after a fall", "in runners"],
        &["physiotherapist", "GP", "pharmacist"],
    ),
    (
        &[
            "muscle soreness",
            "shin pain",
            "low energy",
            "a stitch when running",
        ],
        &["for beginners", "after an injury", "at home", "in winter"],
        &["GP", "physiotherapist", "practice nurse"],
    ),
    (
        &[
            "constipation",
            "bloating",
            "low iron",
            "food cravings",
            "a poor appetite",
        ],
        &[
            "in adults",
            "in older age",
            "on a budget",
            "when you work shifts",
        ],
        &["dietitian", "GP", "pharmacist"],
    ),
    (
        &[
            "low mood",
            "worry",
            "stress",
            "panic attacks",
            "feeling lonely",
        ],
        &["at work", "after a loss", "in young adults", "in winter"],
        &["GP", "doctor", "nurse"],
    ),
    (
        &[
            "poor sleep",
            "waking early",
            "snoring",
            "bad dreams",
            "daytime tiredness",
        ],
        &[
            "in adults",
            "in older age",
            "for shift workers",
            "when you travel",
        ],
        &["GP", "pharmacist", "nurse"],
    ),
    (
        &[
            "side effects",
            "missed doses",
            "pain relief",
            "hay fever tablets",
            "eye drops",
        ],
        &["for adults", "for children", "when you travel", "at home"],
        &["pharmacist", "GP", "doctor"],
    ),
    (
        &[
            "fever",
            "coughs and colds",
            "teething",
            "nappy rash",
            "head lice",
            "ear ache",
        ],
        &["in babies", "in toddlers", "at nursery", "at night"],
        &["health visitor", "GP", "pharmacist"],
    ),
];

const OPENERS: &[&str] = &[
    "Many people get {p} {c}, and it often gets better on its own.",
    "{P} {c} is common, and there is a lot you can do to help yourself.",
    "This page explains what can cause {p} {c} and what may help.",
    "It can be hard to cope with {p} {c}, but most people find ways to ease it.",
];

const SENTENCES: &[&str] = &[
    "Small changes to your day can make a real difference.",
    "Try to rest when you need to, and do not feel bad about it.",
    "Start slowly and build up over a week or two.",
    "What works for one person may not suit another.",
    "Keep a simple diary of what helps and what does not.",
    "Gentle walking for 10 minutes a day is a good place to start.",
    "Drink plenty of water and eat regular meals.",
    "Ask family or friends to help with heavy jobs.",
    "Try not to sit or stand in one position for too long.",
    "A warm bath or a heat pad can ease aches for some people.",
    "It is normal to have good days and bad days.",
    "Write down your questions before you see someone, so you do not forget them.",
    "Set a reminder on your phone if it helps you keep to a plan.",
    "Many people find that a regular bedtime helps them feel better.",
    "Wear shoes that are flat and give your feet good support.",
    "Cut down on caffeine, especially late in the day.",
    "Your local pharmacy can give free advice without an appointment.",
    "Be kind to yourself while you find out what helps.",
    "Some people like to try one new thing each week.",
    "If something makes {p} worse, stop and try something else.",
    "Most people notice a change after a few weeks.",
    "Try to get outside in daylight for part of each day.",
];

const HEADINGS: &[&str] = &[
    "What causes it",
    "Things you can try at home",
    "Looking after yourself",
    "Everyday tips",
    "Staying active",
    "Work and daily life",
    "Sleep and rest",
    "Food and drink",
    "Getting support",
    "How long it lasts",
];

const FIRST: &[&str] = &[
    "Aisha", "Ben", "Chloe", "David", "Emma", "Farah", "George", "Hannah", "Imran", "Jane",
    "Kwame", "Laura", "Niamh", "Oliver", "Priya", "Rachel", "Samuel", "Uma", "Yasmin", "Zoe",
];
const LAST: &[&str] = &[
    "Khan", "Smith", "Jones", "Patel", "Brown", "Taylor", "Evans", "Okafor", "Nowak", "Murphy",
    "Ward", "Hughes", "Clarke", "Begum", "Wright",
];
const REVIEWERS: &[(&str, &str, &str)] = &[
    ("Dr ", "MBBS, MRCGP", "General practitioner"),
    ("", "RM, BSc (Hons) Midwifery", "Community midwife"),
    ("", "MPharm, MRPharmS", "Pharmacist"),
    ("", "BSc Physiotherapy, MCSP", "Physiotherapist"),
    ("", "RD, MSc", "Dietitian"),
    ("Dr ", "MBBS, MRCPsych", "Psychiatrist"),
    ("", "RN, SCPHN", "Health visitor"),
];
const PUBLISHERS: &[&str] = &["NHS", "NICE", "Cochrane", "BMJ", "NHS Inform", "Mind"];

/// A tiny valid PNG (1x1), shared by the articles that show an image.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00,
    0x02, 0x00, 0x01, 0xe5, 0x27, 0xde, 0xfc, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

/// splitmix64: small, fast and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// What one article is, before it becomes lines.
struct Plan {
    id: String,
    topic: usize,
    second: Option<usize>,
    problem: &'static str,
    context: &'static str,
    audience: &'static str,
    links: Vec<String>,
}

/// An article as lines, with the lines that defects need to find.
struct Lines {
    lines: Vec<String>,
    id: usize,
    topics: usize,
    last_reviewed: usize,
    next_review: usize,
    disclaimers: usize,
    /// The `# Title` line.
    title: usize,
    /// The `> [!CONSULT]` line and the one after it.
    consult: usize,
    urgent: Option<usize>,
    /// The line `![alt](media:...)`, when the article shows an image.
    image: Option<usize>,
    /// A paragraph line in the body, after which lines may be inserted.
    paragraph: usize,
}

/// Writes the corpus under `root` and returns the defects injected, sorted.
pub(crate) fn generate(root: &Path, opts: &Options) -> std::io::Result<Vec<Defect>> {
    let n = opts.articles;
    let mut rng = Rng(opts.seed ^ 0x6865_616c_7468);
    let content = root.join("content");
    std::fs::create_dir_all(content.join("_disclaimers"))?;
    std::fs::create_dir_all(content.join("_media"))?;
    std::fs::write(root.join("healthpress.toml"), config(opts.require_sign_off))?;
    std::fs::write(
        content.join("_disclaimers/general-medical.md"),
        "---\nid: general-medical\ntitle: About this information\n---\n\
         This information is general. It does not replace advice from a doctor, nurse or \
         pharmacist who knows you. If you are worried about your health, speak to your GP.\n",
    )?;
    std::fs::write(
        content.join("_disclaimers/pregnancy.md"),
        "---\nid: pregnancy\ntitle: Pregnancy and this information\n---\n\
         Every pregnancy is different. Check with your midwife or GP about what is right \
         for you and your baby.\n",
    )?;
    for name in ["diagram.png", "exercise.png", "stretch.png"] {
        std::fs::write(content.join("_media").join(name), PNG)?;
    }

    if n == 0 {
        std::fs::write(root.join("defects.json"), "[]\n")?;
        return Ok(Vec::new());
    }

    // Plans first, so that links can name any article. Only even-numbered articles are
    // linked to, and only odd-numbered ones get defects.
    let mut plans: Vec<Plan> = Vec::with_capacity(n);
    for i in 0..n {
        let topic = i % TOPICS.len();
        let (problems, contexts, _) = SUBJECTS[topic];
        let problem = rng.pick(problems);
        let context = rng.pick(contexts);
        let second = if rng.chance(30) {
            Some((topic + 1 + rng.below(TOPICS.len() - 1)) % TOPICS.len())
        } else {
            None
        };
        let audience = match rng.below(10) {
            0 => "caregiver",
            1 => "professional",
            _ => "patient",
        };
        plans.push(Plan {
            id: format!("{}-{}", slug(&format!("{problem} {context}")), i + 1),
            topic,
            second,
            problem,
            context,
            audience,
            links: Vec::new(),
        });
    }
    let evens = n.div_ceil(2);
    for i in 0..n {
        let k = 1 + rng.below(3);
        let mut links = Vec::new();
        for _ in 0..k {
            let j = 2 * rng.below(evens);
            if j != i && !links.contains(&plans[j].id) {
                links.push(plans[j].id.clone());
            }
        }
        plans[i].links = links;
    }

    // Which articles get which defect: K distinct odd-numbered articles.
    let odds: Vec<usize> = (1..n).step_by(2).collect();
    let k = opts.defects.min(odds.len());
    let mut chosen: Vec<usize> = Vec::with_capacity(k);
    let mut taken = vec![false; n];
    while chosen.len() < k {
        let i = rng.pick(&odds);
        if !taken[i] {
            taken[i] = true;
            chosen.push(i);
        }
    }
    let mut defect_of: Vec<Option<&'static str>> = vec![None; n];
    for (turn, &i) in chosen.iter().enumerate() {
        defect_of[i] = Some(KINDS[turn % KINDS.len()]);
    }

    let mut defects = Vec::new();
    let mut text = String::with_capacity(8192);
    for (i, plan) in plans.iter().enumerate() {
        let mut a = article(plan, &mut rng);
        let folder = TOPICS[plan.topic].0;
        let file = format!("content/{folder}/{}.md", plan.id);
        if let Some(kind) = defect_of[i] {
            // duplicate-id takes an even-numbered article's id (never itself defective).
            let other = &plans[(2 * rng.below(evens)).min(n - 1)];
            let other_file = format!("content/{}/{}.md", TOPICS[other.topic].0, other.id);
            for (f, line, rule) in inject(kind, &mut a, plan, &other.id, &mut rng) {
                let f = if f { other_file.clone() } else { file.clone() };
                defects.push(Defect {
                    file: f,
                    line,
                    rule,
                });
            }
        }
        text.clear();
        for l in &a.lines {
            text.push_str(l);
            text.push('\n');
        }
        let dir = content.join(folder);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(format!("{}.md", plan.id)), &text)?;
    }
    defects.sort();
    defects.dedup();
    let mut json = String::from("[\n");
    for (i, d) in defects.iter().enumerate() {
        let _ = writeln!(
            json,
            "  {{\"file\": \"{}\", \"line\": {}, \"rule\": \"{}\"}}{}",
            d.file,
            d.line,
            d.rule,
            if i + 1 < defects.len() { "," } else { "" }
        );
    }
    json.push_str("]\n");
    std::fs::write(root.join("defects.json"), json)?;
    Ok(defects)
}

/// The configuration the corpus is written for: the repository's own policy.
fn config(require_sign_off: bool) -> String {
    let mut s = String::from("content = \"content\"\nlocale = \"en-GB\"\n\n[topics]\n");
    for (id, label) in TOPICS {
        let _ = writeln!(s, "{id} = \"{label}\"");
    }
    let _ = write!(
        s,
        "\n[policy]\nrequire_sign_off = {require_sign_off}\nreview_window_days = 60\n\n\
         [[policy.require]]\naudiences = [\"patient\", \"caregiver\"]\n\
         disclaimers = [\"general-medical\"]\ncallouts = [\"CONSULT\"]\n\n\
         [[policy.require]]\ntopics = [\"pregnancy\"]\ndisclaimers = [\"pregnancy\"]\n\
         callouts = [\"URGENT\"]\n"
    );
    s
}

fn fill(s: &str, plan: &Plan) -> String {
    s.replace("{P}", &capitalise(plan.problem))
        .replace("{p}", plan.problem)
        .replace("{c}", plan.context)
}

fn paragraph(rng: &mut Rng, plan: &Plan) -> String {
    let k = 3 + rng.below(3);
    let mut p = String::new();
    for j in 0..k {
        if j > 0 {
            p.push(' ');
        }
        p.push_str(&fill(rng.pick(SENTENCES), plan));
    }
    p
}

fn article(plan: &Plan, rng: &mut Rng) -> Lines {
    let (_, _, clinicians) = SUBJECTS[plan.topic];
    let pregnancy = plan.topic == 0 || plan.second == Some(0);
    let title = capitalise(&format!("{} {}", plan.problem, plan.context));
    let mut l: Vec<String> = Vec::with_capacity(120);
    l.push("---".into());
    let id = l.len() + 1;
    l.push(format!("id: {}", plan.id));
    l.push(format!("title: {title}"));
    l.push(format!(
        "summary: What can cause {} {}, what you can do about it, and when to get help.",
        plan.problem, plan.context
    ));
    l.push(format!("audience: {}", plan.audience));
    let topics = l.len() + 1;
    match plan.second {
        Some(t) => l.push(format!(
            "topics: [{}, {}]",
            TOPICS[plan.topic].0, TOPICS[t].0
        )),
        None => l.push(format!("topics: [{}]", TOPICS[plan.topic].0)),
    }
    l.push("status: published".into());
    l.push("locale: en-GB".into());
    // Reviewed this year; next review one to two years on: never due within the window.
    let (y, m, d) = (2026, 3 + rng.below(8) as u32, 1 + rng.below(28) as u32);
    let last_reviewed = l.len() + 1;
    l.push(format!("last_reviewed: {y}-{m:02}-{d:02}"));
    let next_review = l.len() + 1;
    l.push(format!(
        "next_review: {}-{m:02}-{d:02}",
        y + 1 + rng.below(2) as u32
    ));
    l.push("reviewers:".into());
    for _ in 0..1 + rng.below(2) {
        let (prefix, credentials, role) = rng.pick(REVIEWERS);
        l.push(format!(
            "  - name: {prefix}{} {}",
            rng.pick(FIRST),
            rng.pick(LAST)
        ));
        l.push(format!("    credentials: {credentials}"));
        l.push(format!("    role: {role}"));
    }
    l.push("sources:".into());
    for s in 0..1 + rng.below(3) {
        let publisher = rng.pick(PUBLISHERS);
        l.push(format!(
            "  - title: {} {}",
            capitalise(plan.problem),
            ["guidance", "for patients", "evidence summary"][s]
        ));
        match rng.below(3) {
            0 => l.push(format!(
                "    doi: 10.{}/hp.{}",
                1000 + rng.below(9000),
                rng.below(100_000)
            )),
            1 => l.push(format!(
                "    pmid: \"{}\"",
                10_000_000 + rng.below(30_000_000)
            )),
            _ => l.push(format!(
                "    url: https://www.nhs.uk/conditions/{}/",
                slug(plan.problem)
            )),
        }
        l.push(format!("    publisher: {publisher}"));
    }
    let disclaimers = l.len() + 1;
    if pregnancy {
        l.push("disclaimers: [general-medical, pregnancy]".into());
    } else {
        l.push("disclaimers: [general-medical]".into());
    }
    l.push(format!("related: [{}]", plan.links.join(", ")));
    let picture = rng.pick(&["diagram", "exercise", "stretch"]);
    let media = rng.chance(40);
    if media {
        l.push("media:".into());
        l.push(format!("  - id: {picture}"));
        l.push("    kind: image".into());
        l.push(format!("    src: ../_media/{picture}.png"));
        l.push(format!("    alt: A simple drawing about {}", plan.problem));
    } else {
        l.push("media: []".into());
    }
    l.push("---".into());
    let title_line = l.len() + 1;
    l.push(format!("# {title}"));
    l.push(String::new());
    l.push(fill(rng.pick(OPENERS), plan));
    l.push(String::new());
    let sections = 4 + rng.below(4);
    let mut paragraph_line = 0;
    let mut image = None;
    let first = rng.below(HEADINGS.len());
    for s in 0..sections {
        l.push(format!("## {}", HEADINGS[(first + s) % HEADINGS.len()]));
        l.push(String::new());
        if s == 1 {
            paragraph_line = l.len() + 1;
        }
        l.push(paragraph(rng, plan));
        l.push(String::new());
        match rng.below(6) {
            0 | 1 => {
                for _ in 0..3 {
                    l.push(format!("- {}", fill(rng.pick(SENTENCES), plan)));
                }
                l.push(String::new());
            }
            2 => {
                for k in 1..=3 {
                    l.push(format!("{k}. {}", fill(rng.pick(SENTENCES), plan)));
                }
                l.push(String::new());
            }
            3 if s > 0 => {
                l.push("| When | What may help |".into());
                l.push("|---|---|".into());
                l.push("| Morning | A short walk |".into());
                l.push("| Evening | A warm bath |".into());
                l.push(String::new());
            }
            _ => {}
        }
        if s == 0 {
            let target = &plan.links[..plan.links.len().min(1)];
            for t in target {
                l.push(format!(
                    "You may also like to read [our page on this](article:{t})."
                ));
                l.push(String::new());
            }
        }
        if s == 2 && media {
            image = Some(l.len() + 1);
            l.push(format!(
                "![A simple drawing about {}](media:{picture})",
                plan.problem
            ));
            l.push(String::new());
        }
    }
    if rng.chance(20) {
        l.push("Most people get better with time.[^1]".into());
        l.push(String::new());
        l.push("[^1]: Based on the sources listed with this page.".into());
        l.push(String::new());
    }
    l.push("## When to get help".into());
    l.push(String::new());
    let consult = l.len() + 1;
    l.push("> [!CONSULT]".into());
    l.push(format!(
        "> Speak to your {} if {} does not get better within {} weeks, or if you are worried.",
        rng.pick(clinicians),
        plan.problem,
        ["two", "three", "four"][rng.below(3)]
    ));
    let mut urgent = None;
    if pregnancy {
        l.push(String::new());
        urgent = Some(l.len() + 1);
        l.push("> [!URGENT]".into());
        l.push(
            "> Call your midwife or maternity unit straight away if you have bleeding, \
             a high temperature or pain that does not stop. In an emergency, call 999."
                .into(),
        );
    } else if rng.chance(20) {
        l.push(String::new());
        l.push("> [!TIP]".into());
        l.push("> NHS 111 can tell you where to get help if you are not sure.".into());
    }
    Lines {
        lines: l,
        id,
        topics,
        last_reviewed,
        next_review,
        disclaimers,
        title: title_line,
        consult,
        urgent,
        image,
        paragraph: paragraph_line,
    }
}

/// Changes `a` to carry one defect of `kind`; returns where each finding must be, as
/// (in the other article?, line, rule). Line numbers are 1-based. Lines are only
/// replaced or inserted after the line a finding is expected at, or the finding's
/// line is taken after the insertion.
fn inject(
    kind: &'static str,
    a: &mut Lines,
    plan: &Plan,
    other_id: &str,
    rng: &mut Rng,
) -> Vec<(bool, usize, &'static str)> {
    let at = |line: usize| line - 1;
    let insert_after_paragraph = |a: &mut Lines, text: &str| -> usize {
        // A paragraph of its own after the chosen one: blank line, text.
        let i = a.paragraph; // index of the line after the paragraph (1-based line + 0)
        a.lines.insert(i, String::new());
        a.lines.insert(i + 1, text.to_string());
        i + 2
    };
    match kind {
        "missing-disclaimer" => {
            let l = &mut a.lines[at(a.disclaimers)];
            *l = l
                .replace("general-medical, ", "")
                .replace("[general-medical]", "[]");
            // A professional article needs no general disclaimer: make it a patient one.
            a.lines[at(a.id) + 3] = "audience: patient".into();
            vec![(false, a.disclaimers, kind)]
        }
        "missing-consult-note" => {
            // Plain text takes its place, so that its section is not left empty.
            a.lines[at(a.consult)] = "Keep a note of how you feel each day.".into();
            a.lines[at(a.consult) + 1] = String::new();
            a.lines[at(a.id) + 3] = "audience: patient".into();
            vec![(false, a.title, kind)]
        }
        "consult-note-without-clinician" => {
            a.lines[at(a.consult) + 1] =
                "> Get advice if it does not get better within two weeks.".into();
            a.lines[at(a.id) + 3] = "audience: patient".into();
            vec![(false, a.consult, kind)]
        }
        "missing-urgent-help" => {
            // Make it a pregnancy article without the URGENT callout.
            a.lines[at(a.topics)] = "topics: [pregnancy]".into();
            a.lines[at(a.disclaimers)] = "disclaimers: [general-medical, pregnancy]".into();
            if let Some(u) = a.urgent {
                a.lines.drain(at(u) - 1..at(u) + 2);
            }
            vec![(false, a.title, kind)]
        }
        "review-overdue" => {
            a.lines[at(a.last_reviewed)] = "last_reviewed: 2024-03-01".into();
            a.lines[at(a.next_review)] = "next_review: 2026-03-01".into();
            vec![(false, a.next_review, kind)]
        }
        "review-due-soon" => {
            a.lines[at(a.last_reviewed)] = "last_reviewed: 2025-12-20".into();
            a.lines[at(a.next_review)] = "next_review: 2026-12-20".into();
            vec![(false, a.next_review, kind)]
        }
        "review-interval" => {
            a.lines[at(a.last_reviewed)] = "last_reviewed: 2026-02-01".into();
            a.lines[at(a.next_review)] = "next_review: 2030-02-01".into();
            vec![(false, a.next_review, kind)]
        }
        "duplicate-id" => {
            a.lines[at(a.id)] = format!("id: {other_id}");
            vec![(false, a.id, kind), (true, a.id, kind)]
        }
        "unknown-topic" => {
            a.lines[at(a.topics)] = format!("topics: [{}, sleeep]", TOPICS[plan.topic].0);
            vec![(false, a.topics, kind)]
        }
        "unknown-disclaimer" => {
            let l = &mut a.lines[at(a.disclaimers)];
            *l = l.replace(']', ", general-medicl]");
            vec![(false, a.disclaimers, kind)]
        }
        "schema" => {
            a.lines.insert(at(a.id) + 1, "keywords: [pain]".into());
            vec![(false, a.id + 1, kind)]
        }
        "front-matter" => {
            // The closing `---` goes: the front matter never ends.
            let close = a.lines.iter().skip(1).position(|l| l == "---").unwrap() + 1;
            a.lines[close] = String::new();
            vec![(false, 1, kind)]
        }
        "missing-alt-text" => match a.image {
            Some(i) => {
                let l = &mut a.lines[at(i)];
                let open = l.find(']').unwrap();
                *l = format!("![{}", &l[open..]);
                vec![(false, i, kind)]
            }
            None => {
                let line = insert_after_paragraph(a, "![](https://example.org/stretch.png)");
                vec![(false, line, kind)]
            }
        },
        "empty-section" => {
            let line = insert_after_paragraph(a, "## Things to avoid");
            // Another heading follows at once, with text of its own under it.
            for (k, text) in ["", "## More about this", "", "Rest when you can."]
                .into_iter()
                .enumerate()
            {
                a.lines.insert(line + k, text.into());
            }
            vec![(false, line, kind)]
        }
        _ => {
            let (text, rule): (String, &'static str) = match kind {
                "dangling-media-reference" => (
                    "Do the stretch shown in the video above ten times.".into(),
                    kind,
                ),
                "placeholder-text" => ("TODO: add advice for older people.".into(), kind),
                "broken-link" => (
                    format!("Read [more advice](article:no-such-page-{}).", rng.below(1000)),
                    kind,
                ),
                "raw-html" => ("Rest is <b>important</b> for your recovery.".into(), kind),
                "absolute-claim" => ("This exercise is guaranteed to help.".into(), kind),
                "unbalanced-brackets" => ("Rest your back (and your legs after a walk.".into(), kind),
                "emergency-number" => ("In an emergency, call 911.".into(), kind),
                "unsafe-link" => ("Find out more [here](javascript:void0).".into(), kind),
                "unknown-callout" => ("> [!CONSLUT]\n> Rest when you can.".into(), kind),
                "invalid-suppression" => (
                    "<!-- healthpress-disable-next-line missing-consult-note -->\nRest when you can."
                        .into(),
                    kind,
                ),
                "unused-suppression" => (
                    "<!-- healthpress-disable-next-line absolute-claim -->\nRest when you can."
                        .into(),
                    kind,
                ),
                other => panic!("no injection for {other}"),
            };
            let mut line = 0;
            for (k, part) in text.split('\n').enumerate() {
                if k == 0 {
                    line = insert_after_paragraph(a, part);
                } else {
                    a.lines.insert(line - 1 + k, part.to_string());
                }
            }
            vec![(false, line, rule)]
        }
    }
}
