import type { Knex } from "knex";

/**
 * Change notifications for the anonymous-page cache (app/lib/page-cache.server.ts): whenever a
 * question, an answer, or the video behind a video answer changes in a way public pages show,
 * NOTIFY civicq_page_changes with "<election id> <contest id> <question id>" — delivered on
 * commit, and whatever code path made the change. Votes are not here: they bump the cache from
 * castVote, because a NOTIFY in every vote transaction would serialise their commits.
 * (vote_count is updated by its own trigger and is not among the watched columns.)
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create function notify_page_change(question_id uuid) returns void language sql as $$
      select pg_notify('civicq_page_changes', concat_ws(' ', q.election_id, q.contest_id, q.id))
      from questions q where q.id = question_id
    $$;

    create function questions_page_change() returns trigger language plpgsql as $$
    declare
      changed questions := case when tg_op = 'DELETE' then old else new end;
    begin
      perform pg_notify('civicq_page_changes', concat_ws(' ', changed.election_id, changed.contest_id, changed.id));
      return null;
    end $$;
    create trigger questions_page_change
      after insert or delete or update of status, body, candidate_id, contest_id, published_at, merged_into_id
      on questions for each row execute function questions_page_change();

    create function answers_page_change() returns trigger language plpgsql as $$
    begin
      perform notify_page_change(case when tg_op = 'DELETE' then old.question_id else new.question_id end);
      return null;
    end $$;
    create trigger answers_page_change
      after insert or delete or update of status, kind, body, video_id, published_at, question_id, candidate_id
      on answers for each row execute function answers_page_change();

    create function videos_page_change() returns trigger language plpgsql as $$
    begin
      perform notify_page_change(a.question_id) from answers a where a.video_id = new.id;
      return null;
    end $$;
    create trigger videos_page_change
      after update of status on videos for each row execute function videos_page_change();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop trigger videos_page_change on videos;
    drop function videos_page_change();
    drop trigger answers_page_change on answers;
    drop function answers_page_change();
    drop trigger questions_page_change on questions;
    drop function questions_page_change();
    drop function notify_page_change(uuid);
  `);
}
