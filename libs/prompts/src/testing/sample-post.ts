/** A post that satisfies every default lint rule: 270-odd words, short hook, three hashtags. */
export const CLEAN_POST = `Our best sprint last year began with me deleting half of the backlog.

It was a Tuesday in March. The team had 212 open tickets, a release date we kept moving, and a standup that took forty minutes because every item needed its own apology.

I asked one question in the retro: which of these would a customer notice if we never did it? We went through the list together, one ticket at a time, and we were honest. Most of the answers were no.

So we closed them. Not archived, not parked in a someday column. Closed, with a note explaining why, so nobody had to wonder later.

The first reaction was panic. A senior engineer told me we were throwing away months of thinking. He was right about the thinking and wrong about the value. The thinking had already taught us what mattered, and the tickets were only its receipts.

What happened next surprised all of us. Standups dropped to twelve minutes. The release shipped two weeks early. Two of the closed tickets came back because customers asked for them, and that was exactly the signal we had been missing for a year.

Here is what I took from it. A backlog is not a plan, it is a pile of promises, and every promise you keep open costs attention from the ones that matter. Saying no out loud, in writing, is kinder than saying maybe forever.

I still run that retro question every quarter. It never gets easier, but it always gets faster, and the team trusts the list again because it finally means something.

What is one promise on your list that you are keeping open only out of habit?

#leadership #productmanagement #engineering`;
