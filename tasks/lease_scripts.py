"""The Lua scripts of tasks/leases.py: each checks who owns a job and moves it in one step,
so no other client can act between the check and the move.

Keys are SAQ's (a queue's `active` and `queued` lists, its `incomplete` sorted set, a job's
record under its id) plus ours: `owner:<job key>` (the worker that claimed the job) and
`lease:<worker id>` (alive while it exists).
"""

# KEYS: active, queued, incomplete, owner, lease, job. ARGV: worker id, lease ms it needs left.
CLAIM = """
-- put back by a sweep since we moved it, or claimed by the worker that moved it again
if not redis.call('LPOS', KEYS[1], KEYS[6]) then return false end
if redis.call('EXISTS', KEYS[4]) == 1 then return false end
-- our lease may lapse before the fence could stop the job: leave it to another worker
if redis.call('PTTL', KEYS[5]) < tonumber(ARGV[2]) then
  redis.call('LREM', KEYS[1], 1, KEYS[6])
  redis.call('LPUSH', KEYS[2], KEYS[6])
  return false
end
local record = redis.call('GET', KEYS[6])
if not record then  -- a job that no longer exists, dropped as SAQ's sweep drops it
  redis.call('LREM', KEYS[1], 1, KEYS[6])
  redis.call('ZREM', KEYS[3], KEYS[6])
  return false
end
redis.call('SET', KEYS[4], ARGV[1], 'PX', 86400000)
return record
"""

# SAQ's _finish / _retry, by the job's owner only. KEYS: active, queued, incomplete, owner, job.
# ARGV: worker id, attempt, new record, "queue" | "schedule" | ttl (finish), score (retry).
RELEASE = """
local owner = redis.call('GET', KEYS[4])
if owner then
  if owner ~= ARGV[1] then return 0 end  -- taken over: another worker holds it now
else
  -- unowned: a queued job SAQ aborts, or a repeat of ours. Not one put back for another run.
  if redis.call('LPOS', KEYS[2], KEYS[5]) then return 0 end
  local stored = redis.call('GET', KEYS[5])
  if stored then
    local job = cjson.decode(stored)
    if (job.worker_id or '') ~= ARGV[1] or tonumber(job.attempts or 0) ~= tonumber(ARGV[2]) then
      return 0
    end
  end
end
redis.call('DEL', KEYS[4])
redis.call('LREM', KEYS[1], 1, KEYS[5])
if ARGV[4] == 'queue' or ARGV[4] == 'schedule' then
  redis.call('LREM', KEYS[2], 1, KEYS[5])
  redis.call('ZADD', KEYS[3], ARGV[5], KEYS[5])
  if ARGV[4] == 'queue' then redis.call('RPUSH', KEYS[2], KEYS[5]) end
  redis.call('SET', KEYS[5], ARGV[3])
else
  redis.call('ZREM', KEYS[3], KEYS[5])
  local ttl = tonumber(ARGV[4])
  if ttl > 0 then redis.call('SET', KEYS[5], ARGV[3], 'EX', ttl)
  elseif ttl == 0 then redis.call('SET', KEYS[5], ARGV[3])
  else redis.call('DEL', KEYS[5]) end
end
return 1
"""

# A sweep taking an active job back. KEYS: active, queued, incomplete, owner, owner's lease, job.
# ARGV: owner as seen ('' = none), record as seen ('' = none), new record ('' = none),
# "queue" or the ttl of a job finished as aborted.
RESCUE = """
local owner = redis.call('GET', KEYS[4]) or ''
if owner ~= ARGV[1] then return 0 end  -- claimed or released since the sweep looked
if owner ~= '' and redis.call('EXISTS', KEYS[5]) == 1 then return 0 end  -- renewed: alive
if (redis.call('GET', KEYS[6]) or '') ~= ARGV[2] then return 0 end
if redis.call('LREM', KEYS[1], 1, KEYS[6]) == 0 then return 0 end
redis.call('DEL', KEYS[4])
if ARGV[4] == 'queue' then
  redis.call('SET', KEYS[6], ARGV[3])
  redis.call('LREM', KEYS[2], 0, KEYS[6])
  redis.call('LPUSH', KEYS[2], KEYS[6])
  return 1
end
redis.call('ZREM', KEYS[3], KEYS[6])
local ttl = tonumber(ARGV[4])
if ARGV[3] == '' or ttl < 0 then redis.call('DEL', KEYS[6])
elseif ttl > 0 then redis.call('SET', KEYS[6], ARGV[3], 'EX', ttl)
else redis.call('SET', KEYS[6], ARGV[3]) end
return 1
"""

# An ambiguous claim (Redis did not answer) given back by its worker. KEYS: active, queued,
# owner, job. ARGV: worker id.
GIVE_BACK = """
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[3])
if redis.call('LREM', KEYS[1], 1, KEYS[4]) == 1 then redis.call('LPUSH', KEYS[2], KEYS[4]) end
return 1
"""
