namespace MessageContracts.Redis;

/// <summary>
/// The store's Lua scripts: each answers a whole batch of message IDs in one round trip, atomically (Redis runs one
/// script at a time), so two instances claiming one message at once get exactly one <c>Claimed</c>.
/// </summary>
/// <remarks>
/// A message's key holds <c>c|owner|expires-ms</c> while claimed (with a key expiry, so an abandoned claim does not stay
/// forever: SET ... PX) or <c>p|processed-ms</c> once processed (no expiry; the purge removes it). The owner is 32 hex
/// digits, so the expiry starts at character 36. Times are Unix milliseconds from the caller's clock, passed as strings.
/// </remarks>
internal static class RedisDeduplicationScripts
{
    private const string ParseClaim = """
        local function claim_of(state)
          if not state or string.sub(state, 1, 1) ~= 'c' then return nil, nil end
          return string.sub(state, 3, 34), tonumber(string.sub(state, 36))
        end

        """;

    /// <summary>KEYS: message keys. ARGV: owner, now, expires, key expiry (ms). Answers 1 claimed, 2 processed, 3 held elsewhere.</summary>
    public const string Claim = ParseClaim + """
        local now = tonumber(ARGV[2])
        local answers = {}
        for i, key in ipairs(KEYS) do
          local state = redis.call('GET', key)
          if state and string.sub(state, 1, 1) == 'p' then
            answers[i] = 2
          else
            local _, expires = claim_of(state)
            if expires and expires > now then
              answers[i] = 3
            else
              redis.call('SET', key, 'c|' .. ARGV[1] .. '|' .. ARGV[3], 'PX', ARGV[4])
              answers[i] = 1
            end
          end
        end
        return answers
        """;

    /// <summary>KEYS: message keys. ARGV: owner, expires, key expiry (ms). Answers 1 renewed, 0 not held by the owner.</summary>
    public const string Renew = ParseClaim + """
        local answers = {}
        for i, key in ipairs(KEYS) do
          local owner = claim_of(redis.call('GET', key))
          if owner == ARGV[1] then
            redis.call('SET', key, 'c|' .. ARGV[1] .. '|' .. ARGV[2], 'PX', ARGV[3])
            answers[i] = 1
          else
            answers[i] = 0
          end
        end
        return answers
        """;

    /// <summary>KEYS: the processed index, then message keys. ARGV: owner, now. Answers 1 recorded, 0 held live by another owner.</summary>
    public const string Mark = ParseClaim + """
        local now = tonumber(ARGV[2])
        local answers = {}
        for i = 2, #KEYS do
          local key = KEYS[i]
          local state = redis.call('GET', key)
          if state and string.sub(state, 1, 1) == 'p' then
            answers[i - 1] = 1
          else
            local owner, expires = claim_of(state)
            if owner and owner ~= ARGV[1] and expires > now then
              answers[i - 1] = 0
            else
              redis.call('SET', key, 'p|' .. ARGV[2])
              redis.call('ZADD', KEYS[1], ARGV[2], key)
              answers[i - 1] = 1
            end
          end
        end
        return answers
        """;

    /// <summary>KEYS: message keys. ARGV: owner. Deletes the owner's claims; processed keys and other owners' claims stay. Answers nothing (an empty array).</summary>
    public const string Release = ParseClaim + """
        for _, key in ipairs(KEYS) do
          local owner = claim_of(redis.call('GET', key))
          if owner == ARGV[1] then
            redis.call('DEL', key)
          end
        end
        return {}
        """;

    /// <summary>
    /// KEYS: the processed index. ARGV: cutoff (exclusive), batch size. Removes up to a batch of keys processed before the
    /// cutoff; answers { removed, looked at } (looked at below the batch size: nothing older is left).
    /// </summary>
    public const string Purge = """
        local cutoff = tonumber(ARGV[1])
        local members = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
        local removed = 0
        for _, key in ipairs(members) do
          local state = redis.call('GET', key)
          if state and string.sub(state, 1, 1) == 'p' and tonumber(string.sub(state, 3)) < cutoff then
            redis.call('DEL', key)
            removed = removed + 1
          end
          redis.call('ZREM', KEYS[1], key)
        end
        return { removed, #members }
        """;
}
