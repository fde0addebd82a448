//! The password rule: long enough, not blank, and not easily guessed — by zxcvbn's estimate,
//! with the account's own words (username, display name) counted as known to an attacker.

use super::validation::{is_blank, text_problem, visible};

/// Why `password` is refused, or `None`. `user_inputs` are the account's own words (username,
/// display name), which make a password easy to guess for anyone who knows the account.
/// Strength is zxcvbn's estimate of the guesses needed: below score 3 (10^10 guesses) an
/// offline attack on a leaked hash, or a patient one online, gets through. It is measured on
/// what shows: invisible characters add no strength a person could type back.
pub fn problem(password: &str, user_inputs: &[&str]) -> Option<String> {
    if !(8..=128).contains(&password.chars().count()) {
        return Some("密码须为8至128个字符".into());
    }
    if is_blank(password) {
        return Some("密码不能只由空格或不可见字符组成".into());
    }
    if let Some(problem) = text_problem(password) {
        return Some(format!("密码{problem}"));
    }
    let shown = visible(password);
    let estimate = zxcvbn::zxcvbn(&shown, user_inputs);
    if estimate.score() >= zxcvbn::Score::Three {
        return None;
    }
    let why = if zxcvbn::zxcvbn(&shown, &[]).score() >= zxcvbn::Score::Three {
        "与用户名或姓名太接近。".to_owned()
    } else {
        estimate.feedback().map(hint).unwrap_or_default()
    };
    Some(format!(
        "密码太容易被猜到：{why}建议用几个不常见的词或一句话组成更长的密码"
    ))
}

/// zxcvbn's feedback in Chinese (its own text is English): what is wrong, and one tip.
fn hint(feedback: &zxcvbn::feedback::Feedback) -> String {
    use zxcvbn::feedback::{Suggestion as S, Warning as W};
    let warning = feedback.warning().map(|w| match w {
        W::StraightRowsOfKeysAreEasyToGuess => "键盘上连成一排的按键很容易被猜到",
        W::ShortKeyboardPatternsAreEasyToGuess => "简短的键盘图案很容易被猜到",
        W::RepeatsLikeAaaAreEasyToGuess => "像 aaa 这样的重复很容易被猜到",
        W::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => {
            "像 abcabcabc 这样的重复并不比 abc 难猜多少"
        }
        W::ThisIsATop10Password => "这是最常用的10个密码之一",
        W::ThisIsATop100Password => "这是最常用的100个密码之一",
        W::ThisIsACommonPassword => "这是很常见的密码",
        W::ThisIsSimilarToACommonlyUsedPassword => "与常用密码很相似",
        W::SequencesLikeAbcAreEasyToGuess => "像 abc、6543 这样的顺序很容易被猜到",
        W::RecentYearsAreEasyToGuess => "近年的年份很容易被猜到",
        W::AWordByItselfIsEasyToGuess => "单个词语很容易被猜到",
        W::DatesAreOftenEasyToGuess => "日期很容易被猜到",
        W::NamesAndSurnamesByThemselvesAreEasyToGuess => "单独的姓名很容易被猜到",
        W::CommonNamesAndSurnamesAreEasyToGuess => "常见的姓名很容易被猜到",
    });
    // The first suggestion is always "add another word", which the message says anyway.
    let tip = feedback.suggestions().iter().find_map(|s| match s {
        S::UseAFewWordsAvoidCommonPhrases
        | S::NoNeedForSymbolsDigitsOrUppercaseLetters
        | S::AddAnotherWordOrTwo => None,
        S::CapitalizationDoesntHelpVeryMuch => Some("首字母大写帮助不大"),
        S::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase => {
            Some("全部大写和全部小写一样容易被猜到")
        }
        S::ReversedWordsArentMuchHarderToGuess => Some("把词倒过来写并不更难猜"),
        S::PredictableSubstitutionsDontHelpVeryMuch => Some("用 @ 代替 a 这类常见替换帮助不大"),
        S::UseALongerKeyboardPatternWithMoreTurns => Some("键盘图案要更长、转折更多"),
        S::AvoidRepeatedWordsAndCharacters => Some("避免重复的词和字符"),
        S::AvoidSequences => Some("避免连续的字母或数字"),
        S::AvoidRecentYears => Some("避免使用近年的年份"),
        S::AvoidYearsThatAreAssociatedWithYou => Some("避免使用与自己有关的年份"),
        S::AvoidDatesAndYearsThatAreAssociatedWithYou => Some("避免使用与自己有关的日期和年份"),
    });
    warning
        .into_iter()
        .chain(tip)
        .map(|s| format!("{s}。"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guessable_passwords_are_refused_in_chinese() {
        let own = ["wangfang", "王芳"];
        for weak in [
            "12345678",
            "password",
            "qwertyuiop",
            "aaaaaaaaaa",
            "wangfang",
            "wangfang2026",
            "long-enough",
        ] {
            let problem = problem(weak, &own).unwrap_or_else(|| panic!("{weak}"));
            assert!(
                problem.starts_with("密码太容易被猜到："),
                "{weak}: {problem}"
            );
            // Only the examples the Chinese text quotes (像 aaa 这样的重复) are Latin.
            let prose = problem
                .replace("abcabcabc", "")
                .replace("abc", "")
                .replace("aaa", "");
            assert!(
                !prose.chars().any(|c| c.is_ascii_alphabetic()),
                "no English for {weak}: {problem}"
            );
        }
        assert!(
            problem("wangfang2026", &own)
                .unwrap()
                .contains("用户名或姓名")
        );
        assert!(problem("12345678", &[]).unwrap().contains("最常用"));
        for blank in [
            "        ",
            &"\u{200B}".repeat(8),
            "\u{3000}\u{200D}\u{FEFF}       ",
        ] {
            assert_eq!(
                problem(blank, &own).as_deref(),
                Some("密码不能只由空格或不可见字符组成"),
                "{blank:?}"
            );
        }
        assert!(
            problem("pass\u{202E}word-2026-ok", &own)
                .unwrap()
                .contains("U+202E")
        );
        assert_eq!(
            problem("短密码", &own).as_deref(),
            Some("密码须为8至128个字符")
        );
        assert!(problem(&"长".repeat(129), &own).is_some());
    }

    #[test]
    fn strong_passwords_pass() {
        for strong in [
            "admin-pass-2026",
            "secret-pass-1",
            "correct horse battery staple",
            "Tr0ub4dor&3",
            "lianmeng2026",
            "昆明翠湖海鸥冬天飞来",
            &"党建联盟资源对接".repeat(16),
        ] {
            assert_eq!(problem(strong, &["wangfang", "王芳"]), None, "{strong}");
        }
    }
}
