"""The licence a contributor grants, shown in full on the upload page. A new wording gets a new version."""

from __future__ import annotations

LICENCE_VERSION = "2025-1"
LICENCE_TITLE = "Contributor licence"
LICENCE_PARAGRAPHS = (
    "You keep the copyright in your essay. By uploading it you give the operator of this site a "
    "non-exclusive, worldwide, royalty-free licence to store, copy, publish and show it, in full to "
    "members and in part (a free preview) to everyone, on this site and in its search results, feeds "
    "and e-mails, for as long as it stays published.",
    "The operator may reformat your essay (for example, turn your file into plain paragraphs), show it "
    "next to teachers' marks and comments, and compare it with other essays to detect copying. It will "
    "not change your words, sell your essay to anyone else, or use it to train machine-learning models.",
    "Your essay appears under the display name you choose; a pseudonym is fine. Your e-mail address is never shown.",
    "You may withdraw your essay at any time from your uploads page: it then leaves the library, its "
    "address stops working and this licence ends, except for copies already held in backups, which are "
    "deleted in the normal course of their rotation.",
    "You confirm that the essay is your own work, that you have the right to grant this licence, and "
    "that it does not include anyone's personal information, or material you may not share (such as "
    "long quotations beyond fair dealing or an exam board's confidential papers).",
    "If a rights holder tells us an essay infringes their rights, a moderator may withdraw it while the "
    "claim is looked into. Each essay you publish earns you days of membership, as the site states at "
    "the time; days already earned stay yours if you later withdraw the essay.",
)
