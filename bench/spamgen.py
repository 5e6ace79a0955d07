"""Generate realistic comments, spam and good ("ham"), for the spam benchmark.

Every phrase here was written for Masthead. The generator mixes them the way
real comment sections do, easy and hard cases together:

- good comments: agreement, disagreement, questions to the reporter,
  corrections with a link to a source, personal stories, replies that quote
  figures with money in them, a share in Russian;
- spam: link drops for pharmacies, casinos, loans and crypto, search-engine
  "services", and the hard kind, generic praise with no link at all, written
  to earn an approval before the next comment carries the link.

`comments(count, seed=…, spam_share=…)` is deterministic for a seed, so the
benchmark trains on one seed and measures on another. With `unseen=True` the
phrase banks are used whole; without it, only their first two thirds: a
held-out set made with `unseen=True` carries products, templates and reader
phrasings the filter never saw in training, as a real site's next week does.
Two hard kinds are mixed in: spam that copies a good comment word for word and
only adds its website, and readers who post a fundraiser link with money in it.
"""

import random
from dataclasses import dataclass

FIRST_NAMES = [
    "Anna",
    "Marek",
    "Leyla",
    "Tomasz",
    "Grace",
    "Ibrahim",
    "Olga",
    "Daniel",
    "Sofia",
    "Ruslan",
    "Mei",
    "Jonas",
    "Farida",
    "Pedro",
    "Hannah",
    "Arman",
    "Zainab",
    "Viktor",
    "Chloe",
    "Samuel",
    "Nadia",
    "Kenji",
    "Elif",
    "Patrick",
]
LAST_NAMES = [
    "Kowalska",
    "Novak",
    "Haddad",
    "Brennan",
    "Petrova",
    "Okafor",
    "Lindqvist",
    "Reyes",
    "Aliyev",
    "Fischer",
    "Moreau",
    "Tanaka",
    "Demir",
    "Walsh",
]
HANDLES = ["reader", "longtime_reader", "concerned citizen", "a teacher", "nurse"]
TOPICS = [
    "the housing report",
    "the council vote",
    "the flood defences",
    "the hospital closures",
    "the detentions",
    "the court ruling",
    "the school funding story",
    "the water contract",
    "the press freedom index",
    "the asylum hearings",
    "the bus strike",
    "the budget leak",
]
SOURCES = [
    "https://www.parliament.example.org/records/2026/",
    "https://data.city.example.gov/budget/2026",
    "https://courts.example.org/rulings/2026-114",
    "https://en.wikipedia.org/wiki/Freedom_of_the_press",
    "https://www.ombudsman.example.org/annual-report",
]
HAM_OPENERS = [
    "Thank you for covering {topic}.",
    "I read {topic} twice before commenting.",
    "Good reporting on {topic}, but I have a question.",
    "I disagree with the framing of {topic}.",
    "As someone who lives near the site, {topic} matches what we see.",
    "Finally someone looked at {topic} properly.",
    "I'm not convinced by {topic}.",
    "My neighbours have been talking about {topic} all week.",
]
HAM_MIDDLES = [
    "The figure in the fourth paragraph seems off: the council's own minutes"
    " say {number} households, not {other}.",
    "Did anyone from the ministry agree to answer your questions?",
    "My sister works at the clinic and the waiting lists are longer than"
    " the article says.",
    "The budget went from ${number} million to ${other} million in two years,"
    " and nobody explained why.",
    "It would help to see how this compares with last year's numbers.",
    "Please keep the names of the people you interviewed out of follow-ups;"
    " they could be in danger.",
    "The photo caption names the wrong bridge, I think it is the one further north.",
    "Our school lost two teachers over this and the parents were never asked.",
    "I was at the hearing on Tuesday and the judge said almost exactly that.",
    "Is there a way to support your reporting without using a bank card?",
    "The opposition voted for this in {year}, so the outrage now is a bit rich.",
    "You quote the mayor but not the residents' association, which was there.",
]
HAM_CLOSERS = [
    "Keep going.",
    "Looking forward to the follow-up.",
    "Would love a correction if I'm right.",
    "Thanks for reading the comments.",
    "",
    "",
    "Source: {source}",
    "The original document is here: {source}",
]
HAM_RUSSIAN = [
    "Спасибо за статью. Мы в городе видим то же самое, но об этом молчат.",
    "Не согласен с выводами: в отчёте министерства цифры другие.",
    "Пожалуйста, продолжайте писать об этом, нам важно знать правду.",
    "Мой брат был задержан в прошлом месяце, и адвоката к нему не пустили.",
]

SPAM_PRODUCTS = [
    ("cheap meds without prescription", "pharma-direct-rx.example.com"),
    ("best online casino bonus", "lucky-spins-777.example.net"),
    ("instant payday loans", "fastcash-loans-now.example.biz"),
    ("bitcoin doubling program", "btc-profit-x2.example.io"),
    ("replica designer watches", "lux-replica-shop.example.com"),
    ("buy instagram followers", "socialboost-cheap.example.net"),
    ("weight loss pills that work", "slim-fast-caps.example.com"),
    ("SEO backlinks package", "rank-top-seo.example.co"),
    ("essay writing service", "essays-in-24h.example.org"),
]
SPAM_TEMPLATES = [
    "Looking for {product}? Visit {url} today and get 50% off!!!",
    "{product} — {url} — fast delivery, no questions asked.",
    "I made $3,000 last week with {product}. Check out {url}",
    "Nice article. By the way, {product} at {url}, worth a look.",
    "BEST {product_upper} HERE: {url} {url}",
    "Hello admin, we offer {product} for your site visitors. Contact us: {url}",
    "Great info! If you need {product} go to {url} thanks",
    "{product} {product} {product} {url}",
    "Wow, this is what I was searching for. Also see {url} for {product}.",
]
SPAM_PRAISE = [
    "Great post, very informative. I will bookmark your blog and come back.",
    "Hi there, I discovered your website via Google and it is really good.",
    "This paragraph gives clear idea for the new viewers of blogging.",
    "Wonderful article! Keep writing such kind of information on your page.",
    "Thanks for sharing your thoughts. I truly appreciate your efforts.",
    "I like the valuable info you provide in your articles. Regards.",
    "Hey would you mind sharing which blog platform you're working with?",
    "Excellent weblog right here! Additionally your site loads up very fast!",
]
SPAM_NAMES = [
    "{product}",
    "Cheap {product}",
    "best seo",
    "casino online",
    "Loan Expert",
    "crypto signals",
    "Jessica",
    "Mark Johnson",
]
SPAM_RUSSIAN = [
    "Лучшее казино онлайн, бонус за регистрацию: {url}",
    "Купить диплом недорого, доставка по всей стране {url}",
    "Быстрые займы без проверок, деньги на карту за 5 минут {url}",
]


@dataclass(frozen=True)
class Sample:
    author_name: str
    author_url: str
    body: str
    is_spam: bool

    @property
    def text(self) -> str:
        """What the learned filter reads: name, website and comment."""
        return f"{self.author_name}\n{self.author_url}\n{self.body}"


HAM_APPEALS = [
    "We are raising money for the families: {amount} so far, link here {link}",
    "If anyone can help with the lawyer's fees, the fund is at {link} — every"
    " $10 counts.",
    "The petition to reopen the clinic needs 5,000 signatures: {link}",
]
APPEAL_LINKS = [
    "https://fund.example.org/families",
    "https://petitions.example.org/clinic-north",
]


def pick(rng: random.Random, bank: list, unseen: bool):
    """Choose from `bank`, or from its first two thirds when not `unseen`."""
    return rng.choice(bank if unseen else bank[: max(1, len(bank) * 2 // 3)])


def ham(rng: random.Random, unseen: bool = False) -> Sample:
    if rng.random() < 0.1:
        name = rng.choice(HANDLES)
    else:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    if rng.random() < 0.08:
        return Sample(name, "", rng.choice(HAM_RUSSIAN), False)
    if rng.random() < 0.05:
        body = rng.choice(HAM_APPEALS).format(
            amount=f"${rng.randint(2, 90)},{rng.randint(100, 999)}",
            link=rng.choice(APPEAL_LINKS),
        )
        return Sample(name, "", body, False)
    slots = {
        "topic": rng.choice(TOPICS),
        "number": rng.randint(12, 900),
        "other": rng.randint(12, 900),
        "year": rng.randint(2015, 2025),
        "source": rng.choice(SOURCES),
    }
    parts = [pick(rng, HAM_OPENERS, unseen)]
    middles = HAM_MIDDLES if unseen else HAM_MIDDLES[: len(HAM_MIDDLES) * 2 // 3]
    parts += rng.sample(middles, rng.randint(1, 3))
    parts.append(rng.choice(HAM_CLOSERS))
    body = " ".join(part.format(**slots) for part in parts if part)
    website = rng.choice(["", "", "", "https://blog.example.org/" + name.split()[0]])
    return Sample(name, website.lower(), body, False)


def spam(rng: random.Random, unseen: bool = False) -> Sample:
    product, host = pick(rng, SPAM_PRODUCTS, unseen)
    url = f"https://{host}/?ref={rng.randint(100, 99999)}"
    slots = {"product": product, "product_upper": product.upper(), "url": url}
    name = rng.choice(SPAM_NAMES).format(**slots)
    roll = rng.random()
    if roll < 0.08:
        # A copycat: a good comment taken word for word, its own site added.
        copied = ham(rng, unseen)
        return Sample(rng.choice(FIRST_NAMES), url, copied.body, True)
    if roll < 0.3:
        # The hard kind: praise with no link in the text, the site in the
        # website field or nowhere at all.
        body = pick(rng, SPAM_PRAISE, unseen)
        if rng.random() < 0.5:
            body += " " + pick(rng, SPAM_PRAISE, unseen)
        website = url if rng.random() < 0.6 else ""
        return Sample(rng.choice(FIRST_NAMES), website, body, True)
    if roll < 0.36:
        return Sample(name, url, rng.choice(SPAM_RUSSIAN).format(**slots), True)
    body = pick(rng, SPAM_TEMPLATES, unseen).format(**slots)
    if rng.random() < 0.3:
        body = pick(rng, SPAM_PRAISE, unseen) + " " + body
    return Sample(name, url if rng.random() < 0.7 else "", body, True)


def comments(
    count: int, *, seed: int, spam_share: float = 0.5, unseen: bool = False
) -> list[Sample]:
    """Return `count` comments, about `spam_share` of them spam, fixed by `seed`."""
    rng = random.Random(seed)
    return [
        spam(rng, unseen) if rng.random() < spam_share else ham(rng, unseen)
        for _ in range(count)
    ]
