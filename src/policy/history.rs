//! Development as it stood when each commit of main was made: what R3 classifies a merge
//! against when existing history is checked, rather than development as it is today.

use std::iter::Peekable;

/// Pairs each commit of main's first-parent line with development as it stood when that
/// commit was made: the newest commit of development's first-parent line committed strictly
/// before it (`None` when development had none yet). Both lines come newest first with their
/// committer times and are read together in one pass, development only as far back as main
/// goes, so neither line is ever held in memory.
///
/// Strictly before: a development commit from the same second as a merge on main is more
/// likely that merge's own back-merge than something the merge could have seen. The pointer
/// on development only moves back in time, so when committer clocks disagree (a main commit
/// dated after its child) that commit sees development as it stood for its child.
pub fn as_it_stood<Id, E, M, D>(main: M, development: D) -> AsItStood<M, D>
where
    M: Iterator<Item = Result<(Id, i64), E>>,
    D: Iterator<Item = Result<(Id, i64), E>>,
{
    AsItStood { main, development: development.peekable() }
}

/// The iterator of [`as_it_stood`]: `(commit on main, development then)`.
pub struct AsItStood<M, D: Iterator> {
    main: M,
    development: Peekable<D>,
}

impl<Id: Copy, E, M, D> Iterator for AsItStood<M, D>
where
    M: Iterator<Item = Result<(Id, i64), E>>,
    D: Iterator<Item = Result<(Id, i64), E>>,
{
    type Item = Result<(Id, Option<Id>), E>;

    fn next(&mut self) -> Option<Self::Item> {
        let (commit, time) = match self.main.next()? {
            Ok(entry) => entry,
            Err(e) => return Some(Err(e)),
        };
        loop {
            match self.development.peek() {
                None => return Some(Ok((commit, None))),
                Some(Ok((id, then))) if *then < time => return Some(Ok((commit, Some(*id)))),
                Some(Ok(_)) => {
                    self.development.next();
                }
                Some(Err(_)) => return self.development.next().map(|e| e.map(|_| (commit, None))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::as_it_stood;

    type Line = Vec<Result<(&'static str, i64), String>>;

    fn pairs(main: Line, development: Line) -> Vec<(&'static str, Option<&'static str>)> {
        as_it_stood(main.into_iter(), development.into_iter()).map(Result::unwrap).collect()
    }

    #[test]
    fn each_commit_sees_the_newest_development_commit_before_it() {
        let main = vec![Ok(("R", 50)), Ok(("M", 30)), Ok(("root", 1))];
        let development = vec![Ok(("d3", 60)), Ok(("d2", 40)), Ok(("d1", 20)), Ok(("root", 1))];
        assert_eq!(
            pairs(main, development),
            [("R", Some("d2")), ("M", Some("d1")), ("root", None)]
        );
    }

    #[test]
    fn a_development_commit_from_the_same_second_is_not_seen() {
        let main = vec![Ok(("M", 30))];
        let development = vec![Ok(("back-merge", 30)), Ok(("d1", 29))];
        assert_eq!(pairs(main, development), [("M", Some("d1"))]);
    }

    #[test]
    fn without_development_every_commit_sees_none() {
        assert_eq!(pairs(vec![Ok(("M", 30))], vec![]), [("M", None)]);
    }

    #[test]
    fn skewed_clocks_never_move_development_forward_again() {
        // M2 claims a later time than its child M1: it sees development as M1 did.
        let main = vec![Ok(("M1", 30)), Ok(("M2", 45))];
        let development = vec![Ok(("d2", 40)), Ok(("d1", 20))];
        assert_eq!(pairs(main, development), [("M1", Some("d1")), ("M2", Some("d1"))]);
    }

    #[test]
    fn reads_development_only_as_far_back_as_main_needs() {
        let main: Line = vec![Ok(("M", 30))];
        let mut read = 0;
        let development = [("d2", 40), ("d1", 20), ("d0", 10)].into_iter().map(|entry| {
            read += 1;
            Ok::<_, String>(entry)
        });
        let out: Vec<_> = as_it_stood(main.into_iter(), development).collect();
        assert_eq!(out, [Ok(("M", Some("d1")))]);
        assert_eq!(read, 2, "d0 is never read");
    }

    #[test]
    fn errors_from_either_line_come_through() {
        let failing: Line = vec![Err("bad main".into())];
        let out: Vec<_> = as_it_stood(failing.into_iter(), Line::new().into_iter()).collect();
        assert_eq!(out, [Err("bad main".to_owned())]);
        let main: Line = vec![Ok(("M", 30))];
        let development: Line = vec![Err("bad development".into())];
        let out: Vec<_> = as_it_stood(main.into_iter(), development.into_iter()).collect();
        assert_eq!(out, [Err("bad development".to_owned())]);
    }
}
